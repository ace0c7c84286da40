/**
 * Where viewers watch from: countries and cities as api.video names them (GeoNames English names),
 * with the ISO 3166-1 alpha-2 code and GeoNames continent code the Analytics API reports, a
 * typical UTC offset (for the evening peak), and how many viewers each brings.
 */
import { WeightedTable } from './random.js';

export type ContinentCode = 'AF' | 'AN' | 'AS' | 'EU' | 'NA' | 'OC' | 'SA';

export interface Country {
  name: string;
  code: string;
  continent: ContinentCode;
  /** Hours from UTC of most viewers there; close enough to place their evenings. */
  utcOffset: number;
  weight: number;
  cities: WeightedTable<string>;
}

type Row = [name: string, code: string, continent: ContinentCode, offset: number, weight: number];

const ROWS: Array<[...Row, cities: Array<[string, number]>]> = [
  [
    'United States',
    'US',
    'NA',
    -5,
    22,
    [
      ['New York', 5],
      ['Los Angeles', 4],
      ['Chicago', 3],
      ['Seattle', 2],
    ],
  ],
  [
    'France',
    'FR',
    'EU',
    1,
    12,
    [
      ['Paris', 6],
      ['Lyon', 2],
      ['Marseille', 2],
      ['Bordeaux', 1],
    ],
  ],
  [
    'United Kingdom',
    'GB',
    'EU',
    0,
    7,
    [
      ['London', 6],
      ['Manchester', 2],
      ['Edinburgh', 1],
    ],
  ],
  [
    'Germany',
    'DE',
    'EU',
    1,
    7,
    [
      ['Berlin', 4],
      ['Munich', 3],
      ['Hamburg', 2],
      ['Frankfurt am Main', 2],
    ],
  ],
  [
    'India',
    'IN',
    'AS',
    5.5,
    6,
    [
      ['Mumbai', 4],
      ['Bengaluru', 4],
      ['New Delhi', 3],
      ['Chennai', 2],
    ],
  ],
  [
    'Brazil',
    'BR',
    'SA',
    -3,
    4,
    [
      ['São Paulo', 5],
      ['Rio de Janeiro', 3],
      ['Belo Horizonte', 1],
    ],
  ],
  [
    'Canada',
    'CA',
    'NA',
    -5,
    4,
    [
      ['Toronto', 4],
      ['Montréal', 3],
      ['Vancouver', 2],
    ],
  ],
  [
    'Japan',
    'JP',
    'AS',
    9,
    3,
    [
      ['Tokyo', 5],
      ['Osaka', 2],
    ],
  ],
  [
    'Spain',
    'ES',
    'EU',
    1,
    3,
    [
      ['Madrid', 4],
      ['Barcelona', 4],
      ['Valencia', 1],
    ],
  ],
  [
    'Italy',
    'IT',
    'EU',
    1,
    3,
    [
      ['Rome', 3],
      ['Milan', 3],
      ['Turin', 1],
    ],
  ],
  [
    'Netherlands',
    'NL',
    'EU',
    1,
    2,
    [
      ['Amsterdam', 4],
      ['Rotterdam', 2],
      ['Utrecht', 1],
    ],
  ],
  [
    'Belgium',
    'BE',
    'EU',
    1,
    1.5,
    [
      ['Brussels', 3],
      ['Antwerpen', 1],
      ['Ghent', 1],
    ],
  ],
  [
    'Switzerland',
    'CH',
    'EU',
    1,
    1.2,
    [
      ['Zürich', 3],
      ['Geneva', 2],
      ['Lausanne', 1],
    ],
  ],
  [
    'Sweden',
    'SE',
    'EU',
    1,
    1,
    [
      ['Stockholm', 3],
      ['Gothenburg', 1],
    ],
  ],
  [
    'Norway',
    'NO',
    'EU',
    1,
    0.6,
    [
      ['Oslo', 3],
      ['Bergen', 1],
    ],
  ],
  [
    'Denmark',
    'DK',
    'EU',
    1,
    0.6,
    [
      ['Copenhagen', 3],
      ['Aarhus', 1],
    ],
  ],
  ['Finland', 'FI', 'EU', 2, 0.5, [['Helsinki', 3]]],
  [
    'Poland',
    'PL',
    'EU',
    1,
    1.2,
    [
      ['Warsaw', 3],
      ['Kraków', 2],
      ['Wrocław', 1],
    ],
  ],
  [
    'Czechia',
    'CZ',
    'EU',
    1,
    0.6,
    [
      ['Prague', 3],
      ['Brno', 1],
    ],
  ],
  [
    'Austria',
    'AT',
    'EU',
    1,
    0.6,
    [
      ['Vienna', 3],
      ['Graz', 1],
    ],
  ],
  [
    'Ireland',
    'IE',
    'EU',
    0,
    0.8,
    [
      ['Dublin', 4],
      ['Cork', 1],
    ],
  ],
  [
    'Portugal',
    'PT',
    'EU',
    0,
    0.8,
    [
      ['Lisbon', 3],
      ['Porto', 2],
    ],
  ],
  [
    'Romania',
    'RO',
    'EU',
    2,
    0.5,
    [
      ['Bucharest', 3],
      ['Cluj-Napoca', 1],
    ],
  ],
  [
    'Greece',
    'GR',
    'EU',
    2,
    0.4,
    [
      ['Athens', 3],
      ['Thessaloniki', 1],
    ],
  ],
  [
    'Mexico',
    'MX',
    'NA',
    -6,
    2,
    [
      ['Mexico City', 4],
      ['Guadalajara', 2],
      ['Monterrey', 2],
    ],
  ],
  [
    'Argentina',
    'AR',
    'SA',
    -3,
    1,
    [
      ['Buenos Aires', 4],
      ['Córdoba', 1],
    ],
  ],
  [
    'Colombia',
    'CO',
    'SA',
    -5,
    0.8,
    [
      ['Bogotá', 3],
      ['Medellín', 2],
    ],
  ],
  ['Chile', 'CL', 'SA', -4, 0.5, [['Santiago', 3]]],
  [
    'Australia',
    'AU',
    'OC',
    10,
    2,
    [
      ['Sydney', 4],
      ['Melbourne', 3],
      ['Brisbane', 1],
      ['Perth', 1],
    ],
  ],
  [
    'New Zealand',
    'NZ',
    'OC',
    12,
    0.4,
    [
      ['Auckland', 3],
      ['Wellington', 1],
    ],
  ],
  [
    'South Korea',
    'KR',
    'AS',
    9,
    1,
    [
      ['Seoul', 4],
      ['Busan', 1],
    ],
  ],
  ['Singapore', 'SG', 'AS', 8, 0.8, [['Singapore', 1]]],
  [
    'Indonesia',
    'ID',
    'AS',
    7,
    1,
    [
      ['Jakarta', 4],
      ['Surabaya', 1],
    ],
  ],
  [
    'Philippines',
    'PH',
    'AS',
    8,
    0.8,
    [
      ['Manila', 3],
      ['Cebu City', 1],
    ],
  ],
  [
    'Vietnam',
    'VN',
    'AS',
    7,
    0.6,
    [
      ['Ho Chi Minh City', 3],
      ['Hanoi', 2],
    ],
  ],
  [
    'Israel',
    'IL',
    'AS',
    2,
    0.5,
    [
      ['Tel Aviv', 3],
      ['Jerusalem', 1],
    ],
  ],
  [
    'United Arab Emirates',
    'AE',
    'AS',
    4,
    0.5,
    [
      ['Dubai', 3],
      ['Abu Dhabi', 1],
    ],
  ],
  [
    'Türkiye',
    'TR',
    'AS',
    3,
    0.7,
    [
      ['Istanbul', 4],
      ['Ankara', 1],
    ],
  ],
  [
    'South Africa',
    'ZA',
    'AF',
    2,
    0.6,
    [
      ['Johannesburg', 3],
      ['Cape Town', 2],
    ],
  ],
  [
    'Nigeria',
    'NG',
    'AF',
    1,
    0.5,
    [
      ['Lagos', 3],
      ['Abuja', 1],
    ],
  ],
  [
    'Morocco',
    'MA',
    'AF',
    1,
    0.6,
    [
      ['Casablanca', 3],
      ['Rabat', 1],
      ['Marrakesh', 1],
    ],
  ],
  ['Kenya', 'KE', 'AF', 3, 0.3, [['Nairobi', 3]]],
];

export const COUNTRIES: readonly Country[] = ROWS.map(
  ([name, code, continent, utcOffset, weight, cities]) => ({
    name,
    code,
    continent,
    utcOffset,
    weight,
    cities: new WeightedTable(cities),
  }),
);

/** The city a hostile data set plants, to prove every page escapes what it shows. */
export const HOSTILE_CITY = '<script>alert(1)</script>';

/** Share of sessions whose city GeoIP could not tell. */
export const UNKNOWN_CITY_RATE = 0.07;

/**
 * How busy an hour of the local day is (0..23): quiet at night, a lunchtime bump, a peak in the
 * evening. Only the shape matters; it is normalised where used.
 */
const LOCAL_DAY = [
  0.35, 0.22, 0.14, 0.1, 0.09, 0.12, 0.25, 0.45, 0.6, 0.68, 0.72, 0.78, 0.86, 0.82, 0.78, 0.8, 0.86,
  0.95, 1.1, 1.3, 1.45, 1.4, 1.1, 0.7,
];

export function localActivity(utcHour: number, country: Country): number {
  const local = (((utcHour + country.utcOffset) % 24) + 24) % 24;
  const lo = Math.floor(local);
  const frac = local - lo;
  return LOCAL_DAY[lo]! * (1 - frac) + LOCAL_DAY[(lo + 1) % 24]! * frac;
}

/** For each UTC hour, who is watching: countries weighted by their share and local time. */
export const COUNTRY_BY_UTC_HOUR: readonly WeightedTable<Country>[] = Array.from(
  { length: 24 },
  (_, hour) =>
    new WeightedTable(COUNTRIES.map((c) => [c, c.weight * localActivity(hour, c)] as const)),
);

/** Total viewing activity in each UTC hour of the day, summed over countries. */
export const ACTIVITY_BY_UTC_HOUR: readonly number[] = Array.from({ length: 24 }, (_, hour) =>
  COUNTRIES.reduce((sum, c) => sum + c.weight * localActivity(hour, c), 0),
);
