// What a digest subscriber chooses. The shape only: src/mail/preferences.ts validates it, src/db stores it.

export type Frequency = 'daily' | 'weekly';

export interface Preferences {
  /** daily = every weekday (Monday to Friday); weekly = Mondays, about the week before. */
  frequency: Frequency;
  /** arXiv categories such as cs.CL. */
  categories: string[];
  /** Free-text interests such as "diffusion models". */
  interests: string[];
  /** Papers in one digest, all sections together. */
  paperCount: number;
  /** IANA time zone, such as Europe/Berlin. */
  timeZone: string;
  /** Local hour (0–23) from which the digest may be sent. */
  sendHour: number;
}
