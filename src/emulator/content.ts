/**
 * Words for a believable account: the brand, what its videos are about, how they are titled,
 * tagged and described, and what viewers search for to find them.
 */
import type { Rng } from './random.js';

export interface Brand {
  name: string;
  site: string;
}

export const BRANDS: readonly Brand[] = [
  { name: 'Northwind Academy', site: 'https://www.northwind-academy.com' },
  { name: 'Lumen Studio', site: 'https://lumen.studio' },
  { name: 'Tidewater Media', site: 'https://www.tidewater.media' },
  { name: 'Bluefin Learning', site: 'https://learn.bluefin.io' },
  { name: 'Maple & Oak', site: 'https://www.mapleandoak.tv' },
];

interface Topic {
  name: string;
  tag: string;
  category: string;
}

const TOPICS: readonly Topic[] = [
  { name: 'video encoding', tag: 'encoding', category: 'Engineering' },
  { name: 'live streaming', tag: 'live', category: 'Engineering' },
  { name: 'adaptive bitrate streaming', tag: 'streaming', category: 'Engineering' },
  { name: 'TypeScript', tag: 'typescript', category: 'Engineering' },
  { name: 'React hooks', tag: 'react', category: 'Engineering' },
  { name: 'Kubernetes', tag: 'kubernetes', category: 'Engineering' },
  { name: 'SQL window functions', tag: 'sql', category: 'Data' },
  { name: 'data visualization', tag: 'dataviz', category: 'Data' },
  { name: 'machine learning', tag: 'ml', category: 'Data' },
  { name: 'product analytics', tag: 'analytics', category: 'Data' },
  { name: 'string theory', tag: 'physics', category: 'Science' },
  { name: 'linear algebra', tag: 'maths', category: 'Science' },
  { name: 'climate science', tag: 'climate', category: 'Science' },
  { name: 'sourdough baking', tag: 'baking', category: 'Lifestyle' },
  { name: 'knife skills', tag: 'cooking', category: 'Lifestyle' },
  { name: 'marathon training', tag: 'running', category: 'Fitness' },
  { name: 'yoga for beginners', tag: 'yoga', category: 'Fitness' },
  { name: 'strength training', tag: 'fitness', category: 'Fitness' },
  { name: 'travel photography', tag: 'photography', category: 'Creative' },
  { name: 'color grading', tag: 'video editing', category: 'Creative' },
  { name: 'podcast production', tag: 'audio', category: 'Creative' },
  { name: 'public speaking', tag: 'speaking', category: 'Careers' },
  { name: 'remote team management', tag: 'management', category: 'Careers' },
  { name: 'personal finance', tag: 'finance', category: 'Careers' },
];

const FORMATS = ['Tutorial', 'Webinar', 'Interview', 'Talk', 'Demo', 'Course', 'Vlog'] as const;
const LEVELS = ['Beginner', 'Intermediate', 'Advanced'] as const;
const PEOPLE = [
  'Ada Moreau',
  'Ben Okafor',
  'Chloé Martin',
  'Diego Alvarez',
  'Emma Schmidt',
  'Farid Haddad',
  'Grace Liu',
  'Hiro Tanaka',
  'Inès Dubois',
  'John Doe',
  'Kavya Iyer',
  'Lucas Silva',
];
const COMPANIES = [
  'Acme Corp',
  'Globex',
  'Initech',
  'Umbrella Health',
  'Stark Logistics',
  'Wayne Foods',
];
const CITIES = ['New York', 'Paris', 'London', 'Berlin', 'Tokyo', 'São Paulo', 'Lyon', 'Montréal'];

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const TITLES: ReadonlyArray<(t: Topic, rng: Rng) => string> = [
  (t, r) => `${cap(t.name)} explained in ${r.int(3, 15)} minutes`,
  (t) => `Getting started with ${t.name}`,
  (t) => `${cap(t.name)}: a beginner's guide`,
  (t, r) => `Advanced ${t.name} — part ${r.int(1, 6)}`,
  (t, r) => `Webinar: the state of ${t.name} in ${r.int(2021, 2025)}`,
  (t) => `Live Q&A on ${t.name}`,
  (t, r) => `Customer story: how ${r.pick(COMPANIES)} uses ${t.name}`,
  (t, r) => `${r.int(3, 12)} mistakes to avoid with ${t.name}`,
  (t) => `Behind the scenes: ${t.name}`,
  (t, r) => `Episode ${r.int(1, 120)} · ${cap(t.name)}`,
  (t, r) => `${cap(t.name)} masterclass with ${r.pick(PEOPLE)}`,
  (t, r) => `${cap(t.name)} in ${r.pick(CITIES)}`,
];

export interface VideoText {
  title: string;
  description: string;
  tags: string[];
  metadata: Array<{ key: string; value: string }>;
  /** What a viewer might search to find it. */
  searchTerm: string;
}

export function videoText(rng: Rng): VideoText {
  const topic = rng.pick(TOPICS);
  const format = rng.pick(FORMATS);
  const level = rng.pick(LEVELS);
  const author = rng.pick(PEOPLE);
  const title = rng.pick(TITLES)(topic, rng);
  const description =
    `${author} walks you through ${topic.name}` +
    rng.pick([
      ', step by step, with examples you can reuse.',
      ': what matters, what does not, and why.',
      ' — recorded live, questions from the audience included.',
      '. Slides and notes are linked below.',
      '',
    ]);
  const tags = [topic.tag, format.toLowerCase(), ...(rng.chance(0.5) ? [level.toLowerCase()] : [])];
  const metadata = [
    { key: 'Author', value: author },
    { key: 'Format', value: format },
    ...(rng.chance(0.6) ? [{ key: 'Category', value: topic.category }] : []),
    ...(rng.chance(0.4) ? [{ key: 'Level', value: level }] : []),
  ];
  return {
    title,
    description,
    tags,
    metadata,
    searchTerm: `${topic.name} ${format.toLowerCase()}`,
  };
}

/** What viewers of this account type into a search engine. */
export function searchTerms(): string[] {
  return TOPICS.flatMap((t) => [t.name, `${t.name} tutorial`, `learn ${t.name}`]);
}

const LIVE_NAMES: ReadonlyArray<(rng: Rng, brand: Brand) => string> = [
  (r) => `Weekly ${r.pick(TOPICS).name} live`,
  () => 'Friday Q&A',
  (r) => `Live From ${r.pick(CITIES)}`,
  (_, b) => `${b.name} office hours`,
  () => 'Conference main stage',
  () => 'Studio B',
  () => 'Morning show',
  (r) => `Launch event ${r.int(2023, 2025)}`,
  () => 'Live Stream From the browser',
];

export function liveStreamName(rng: Rng, brand: Brand): string {
  return rng.pick(LIVE_NAMES)(rng, brand);
}

export const PLAYER_NAMES = [
  'Default theme',
  'Dark',
  'Brand colors',
  'Minimal',
  'Conference',
  'Kiosk',
];

/** The title a hostile data set gives one video. */
export const HOSTILE_TITLE = '<img src=x onerror=alert(1)>';
