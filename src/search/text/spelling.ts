// British → American spelling of one lowercased ASCII word, before stemming, so "tumour" meets "tumor",
// "ischaemia" meets "ischemia" and "randomised" meets "randomized" (Porter strips -ize but not -ise).
//
// Papers and queries pass through the same rules, so a rule can only hurt by merging two words that mean
// different things, or by splitting a word from its own family (were "supervised" to become "supervized", it
// would no longer share a stem with "supervision"). The rules are narrow for that reason:
// - -our → -or after at least three letters: tumour, behaviour; not hour, four, flour, journal.
// - ae / oe → e before consonants that have a vowel after them: haemoglobin, aetiology, oedema, foetal,
//   diarrhoea; not Michael, does, poem, Boeing.
// - -is- → -iz- in verb forms only after endings that take -ize (random-ise, normal-ise, recogn-ise,
//   critic-ise); not precise, supervise, revise, advertise, surprise, exercise, whose families keep the -is-.
// - -lyse → -lyze: analyse, catalyse, hydrolyse; not lysed.

const OUR = /^([a-z]{3,})our(s|ed|ing|al|ally|able|ably|ite|ites|hood|hoods|ful|less|er|ers|ism)?$/;
const DIGRAPH = /[ao]e(?=[b-df-hj-np-tv-z]+[aeiou])/g;
const OEA = /oea$/;
const ISE = /^([a-z]+(?:al|il|ar|er|or|ur|om|im|ym|an|en|on|un|gn|at|et|it|ic|id|og|ll|rd|tr))is(e|es|ed|ing|ation|ations|ational|er|ers)$/;
const LYSE = /^([a-z]{2,}l)ys(e|es|ed|ing|er|ers)$/;

export function americanSpelling(word: string): string {
  let w = word;
  if (w.length >= 6 && (w.includes('ae') || w.includes('oe'))) w = w.replace(DIGRAPH, 'e').replace(OEA, 'ea');
  if (w.includes('our')) w = w.replace(OUR, '$1or$2');
  if (w.includes('is')) w = w.replace(ISE, '$1iz$2');
  else if (w.includes('lys')) w = w.replace(LYSE, '$1yz$2');
  return w;
}
