// `npm run bench -- search-names --data-dir DIR [--mode hybrid|lexical]`: do free-text author names find their
// authors? On a store imported from the real listings and Hugging Face days (`paperfeed import … ` into DIR), 32
// real author names, many made of common words (a surname He, a given name Long, Can or Bo), each typed as a person
// would (sometimes without a middle initial or an accent), searched through the service as /search does. A hit is
// relevant when the paper lists that author (the name as stored). Prints success@5 (some paper by the author in
// the top 5) and precision@5, per name and overall. `--as-typed` adds, in the same run, the ranking of each name
// as plain words (parse and rank, what search did before names were read as units; lexical).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { parseQuery } from '../src/search/query.ts';
import { createServices } from '../src/services.ts';

/** [typed, as the papers list the author]. */
export const NAMES: [string, string][] = [
  ['Yann LeCun', 'Yann LeCun'],
  ['Kaiming He', 'Kaiming He'],
  ['Xiangnan He', 'Xiangnan He'],
  ['Wei He', 'Wei He'],
  ['He Wang', 'He Wang'],
  ['Noah Smith', 'Noah A. Smith'],
  ['Long Chen', 'Long Chen'],
  ['Bo An', 'Bo An'],
  ['Can Xu', 'Can Xu'],
  ['Song Han', 'Song Han'],
  ['Jun Zhu', 'Jun Zhu'],
  ['Heng Ji', 'Heng Ji'],
  ['Wei Wang', 'Wei Wang'],
  ['Min Zhang', 'Min Zhang'],
  ['Yue Zhang', 'Yue Zhang'],
  ['Tat-Seng Chua', 'Tat-Seng Chua'],
  ['Yejin Choi', 'Yejin Choi'],
  ['Ming-Hsuan Yang', 'Ming-Hsuan Yang'],
  ['Philip Torr', 'Philip Torr'],
  ['Mohit Bansal', 'Mohit Bansal'],
  ['Luc Van Gool', 'Luc Van Gool'],
  ['Jiajun Wu', 'Jiajun Wu'],
  ['Graham Neubig', 'Graham Neubig'],
  ['Dan Roth', 'Dan Roth'],
  ['Trevor Darrell', 'Trevor Darrell'],
  ['Bernhard Scholkopf', 'Bernhard Schölkopf'],
  ['Matthias Niessner', 'Matthias Nießner'],
  ['Percy Liang', 'Percy Liang'],
  ['Sergey Levine', 'Sergey Levine'],
  ['Christopher Manning', 'Christopher D. Manning'],
  ['Chelsea Finn', 'Chelsea Finn'],
  ['Yoshua Bengio', 'Yoshua Bengio'],
];

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { 'data-dir': { type: 'string' }, mode: { type: 'string', default: 'hybrid' }, 'as-typed': { type: 'boolean', default: false } },
  });
  if (!values['data-dir']) throw new Error('--data-dir DIR (a store made by `paperfeed import`) is required');
  const config = loadConfig({ ...process.env, PAPERFEED_DATA_DIR: path.resolve(values['data-dir']) });
  const services = await createServices(config, { search: { log: (m) => console.log(m) } });
  const { database, search } = services;
  const mode = values.mode as 'hybrid' | 'lexical';
  await search.refresh();
  const engine = await search.engine();
  const ways: [string, (typed: string) => Promise<string[]>][] = [
    ['service', async (typed) => (await search.search(typed, { mode, limit: 5 })).hits.map((h) => h.id)],
  ];
  if (values['as-typed'])
    ways.push(['as typed (lexical)', async (typed) => engine.rank(parseQuery(typed), 'lexical', 5, null).docs.map((d) => engine.ids.id(d))]);
  for (const [way, top5] of ways) {
    let successes = 0;
    let precision = 0;
    for (const [typed, stored] of NAMES) {
      const ids = await top5(typed);
      const rows = await database.db.selectFrom('paper_authors').select('paper_id').where('name', '=', stored).execute();
      const theirs = new Set(rows.map((r) => r.paper_id));
      const relevant = ids.filter((id) => theirs.has(id)).length;
      if (relevant > 0) successes++;
      precision += relevant / 5;
      console.log(`${way.padEnd(20)} ${typed.padEnd(22)} ${String(theirs.size).padStart(4)} papers  top 5: ${relevant}/5`);
    }
    console.log(
      `${NAMES.length} names, ${way}${way === 'service' ? `, mode ${mode}` : ''}: success@5 ${(successes / NAMES.length).toFixed(3)} (${successes}/${NAMES.length}), precision@5 ${(precision / NAMES.length).toFixed(3)}\n`,
    );
  }
  console.log(`reproduce: npm run bench -- search-names --data-dir ${values['data-dir']} --mode ${mode}${values['as-typed'] ? ' --as-typed' : ''}`);
  await services.close();
}
