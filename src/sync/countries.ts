/**
 * Country names as api.video gives them (GeoNames' English names) → ISO 3166-1 alpha-2.
 *
 * i18n-iso-countries knows the official names and most common ones; GeoNames spells a few
 * countries in ways it does not know, listed here. Unknown names give null, never a guess.
 */
import { createRequire } from 'node:module';
import type Countries from 'i18n-iso-countries';

const require = createRequire(import.meta.url);
let countries: typeof Countries | undefined;

/** Loaded on first use: ~10 ms of every run's start-up, and a re-sync may name no country. */
function names(): typeof Countries {
  if (!countries) {
    countries = require('i18n-iso-countries') as typeof Countries;
    countries.registerLocale(require('i18n-iso-countries/langs/en.json'));
  }
  return countries;
}

const GEONAMES_ALIASES: Record<string, string> = {
  syria: 'SY',
  laos: 'LA',
  moldova: 'MD',
  'dr congo': 'CD',
  'palestinian territory': 'PS',
  'cabo verde': 'CV',
  micronesia: 'FM',
  brunei: 'BN',
  vatican: 'VA',
  'bonaire, saint eustatius and saba': 'BQ',
  curacao: 'CW',
  'saint martin': 'MF',
  'sint maarten': 'SX',
  åland: 'AX',
  'aland islands': 'AX',
  réunion: 'RE',
  'saint barthelemy': 'BL',
  'timor leste': 'TL',
  'east timor': 'TL',
  macedonia: 'MK',
  swaziland: 'SZ',
  'u.s. virgin islands': 'VI',
  'british virgin islands': 'VG',
  'falkland islands': 'FK',
  'viet nam': 'VN',
  kosovo: 'XK',
};

const cache = new Map<string, string | null>();

export function countryCode(name: string | null | undefined): string | null {
  if (!name) return null;
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const trimmed = name.trim();
  const key = trimmed.toLowerCase();
  let code: string | null = null;
  if (key && key !== 'unknown') {
    code =
      GEONAMES_ALIASES[key] ??
      names().getAlpha2Code(trimmed, 'en') ??
      (/^[A-Za-z]{2}$/.test(trimmed) && names().isValid(trimmed.toUpperCase())
        ? trimmed.toUpperCase()
        : null);
  }
  cache.set(name, code);
  return code;
}
