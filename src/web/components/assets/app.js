// Progressive enhancement only: every page works without this file.
// 0. The colour scheme a visitor picked (light, dark, or the system's) is applied first and remembered in this
//    browser (localStorage); the header's button cycles through the three.
// 1. "Copy" buttons copy the text of the element named by data-copy (the BibTeX entry).
// 2. Period pickers navigate as soon as a date is chosen (the form's Go button still works without it).
// 3. Search forms whose query would make the address too long post it instead (data-post-over=N characters), and
//    Enter in their query box searches (Shift+Enter adds a line), as in a one-line box.
// 4. Upvote and save buttons (of the page's one card form, data-enhance="card") are sent in the background and the
//    button shows the new state, without a reload; when that fails the form is submitted as usual, so the person
//    sees the server's answer.
const THEMES = ['system', 'light', 'dark'];
const THEME_LABEL = { system: '◐ Auto', light: '☀ Light', dark: '☾ Dark' };
function storedTheme() {
  try {
    const t = localStorage.getItem('theme');
    return THEMES.includes(t) ? t : 'system';
  } catch {
    return 'system'; // storage refused (privacy settings): the system's scheme
  }
}
function applyTheme(theme, toggle) {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  if (toggle) toggle.textContent = THEME_LABEL[theme];
}
const themeToggle = document.querySelector('button[data-theme-toggle]');
applyTheme(storedTheme(), themeToggle);
if (themeToggle) {
  themeToggle.hidden = false;
  themeToggle.addEventListener('click', () => {
    const next = THEMES[(THEMES.indexOf(storedTheme()) + 1) % THEMES.length];
    try {
      localStorage.setItem('theme', next);
    } catch {
      // Not remembered, but still applied to this page.
    }
    applyTheme(next, themeToggle);
  });
}
for (const button of document.querySelectorAll('button[data-copy]')) {
  button.hidden = false;
  const label = button.textContent;
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.value ?? source.textContent);
      button.textContent = 'Copied';
    } catch {
      if (source.select) source.select();
      else {
        const range = document.createRange();
        range.selectNodeContents(source);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
      }
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => (button.textContent = label), 2000);
  });
}
// 3. Where the browser has no week or month input, the picker asks for a day of the period instead.
for (const input of document.querySelectorAll('input[data-date-fallback]')) {
  if (input.type !== 'text') continue; // the browser knows type=week/month
  input.type = 'date';
  input.name = 'date';
  input.value = input.dataset.dateFallback;
  input.removeAttribute('pattern');
  input.removeAttribute('placeholder');
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

// What each button's answer shows: a button is an upvote or a save by the field it sets.
const showState = {
  upvoted(button, state) {
    button.classList.toggle('upvoted', state.upvoted);
    button.setAttribute('aria-pressed', String(state.upvoted));
    button.setAttribute('aria-label', `Upvote (${state.upvotes} upvote${state.upvotes === 1 ? '' : 's'})`);
    button.querySelector('.count').textContent = state.upvotes;
    button.value = String(!state.upvoted);
  },
  saved(button, state) {
    button.classList.toggle('saved', state.saved);
    button.setAttribute('aria-pressed', String(state.saved));
    button.textContent = state.saved ? 'Saved' : 'Save';
    button.value = String(!state.saved);
  },
};
const cardForm = document.querySelector('form[data-enhance="card"]');
cardForm?.addEventListener('submit', async (event) => {
  const button = event.submitter;
  // A plain submission: the fallback below, or a button this script does not know.
  if (cardForm.dataset.plain || !button || !showState[button.name]) return;
  event.preventDefault();
  if (button.dataset.busy) return;
  button.dataset.busy = '1';
  try {
    const body = new URLSearchParams(new FormData(cardForm));
    body.set(button.name, button.value);
    const response = await fetch(button.formAction, {
      method: 'POST',
      body,
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    });
    if (!response.ok) throw new Error(String(response.status));
    showState[button.name](button, await response.json());
  } catch {
    cardForm.dataset.plain = '1';
    cardForm.requestSubmit(button);
  } finally {
    delete button.dataset.busy;
  }
});
