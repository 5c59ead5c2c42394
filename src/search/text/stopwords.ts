// English function words that carry no topic: dropped from the index and from queries (except inside quoted
// phrases, where they are skipped the same way on both sides so phrases still line up).
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him ' +
    'himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other ' +
    'our ours ourselves out over own same she should so some such than that the their theirs them themselves then there ' +
    'these they this those through to too under until up very was we were what when where which while who whom why will ' +
    'with would you your yours yourself yourselves also may might must shall via upon whether within without thus hence ' +
    'however therefore although though yet etc ie eg us s t'
  ).split(' '),
);
