// Progressive enhancement only: every page works without this file.
// 1. "Copy" buttons copy the text of the element named by data-copy (the BibTeX entry).
// 2. Period pickers navigate as soon as a date is chosen (the form's Go button still works without it).
// 3. Search forms whose query would make the address too long post it instead (data-post-over=N characters), and
//    Enter in their query box searches (Shift+Enter adds a line), as in a one-line box.
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.hidden = false;
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.textContent);
      button.textContent = 'Copied';
    } catch {
      const range = document.createRange();
      range.selectNodeContents(source);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => (button.textContent = 'Copy BibTeX'), 2000);
  });
}
for (const input of document.querySelectorAll('form[data-autosubmit] input')) {
  input.addEventListener('change', () => input.value && input.form.requestSubmit());
}
for (const form of document.querySelectorAll('form[data-post-over]')) {
  for (const box of form.querySelectorAll('textarea')) {
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
  form.addEventListener('submit', () => {
    const query = new URLSearchParams(new FormData(form)).toString();
    form.method = query.length > Number(form.dataset.postOver) ? 'post' : 'get';
  });
}
