/**
 * What viewers watch with and where they come from, as the raw-statistics session object spells it
 * (`device`, `os`, `client`, `referrer`), and the lower-case values the Analytics API reports for
 * the same viewer (`device-type`, `operating-system`, `browser`, `referrer`).
 *
 * Device, OS and client are drawn together from platforms so combinations stay plausible (no
 * Safari on Android, no desktop iOS).
 */
import type { Rng } from './random.js';
import { WeightedTable } from './random.js';

export interface Device {
  type: string;
  vendor: string;
  model: string;
}
export interface Os {
  name: string;
  shortname: string;
  version: string;
}
export interface Client {
  type: string;
  name: string;
  version: string;
}
export interface Referrer {
  url: string;
  medium: string;
  source: string;
  searchTerm: string;
}

/** A viewer's setup and the Analytics API's names for it. */
export interface Audience {
  device: Device;
  os: Os;
  client: Client;
  referrer: Referrer;
  deviceType: string;
  operatingSystem: string;
  browser: string;
  /** The Analytics API's `referrer` dimension: the URL, or '' for apps and direct visits. */
  referrerDimension: string;
}

interface BrowserSpec {
  name: string;
  dimension: string;
  versions: readonly string[];
  app?: boolean;
}

interface Platform {
  deviceType: 'desktop' | 'mobile' | 'tablet' | 'tv';
  vendors: WeightedTable<readonly [vendor: string, models: readonly string[]]>;
  os: WeightedTable<Os>;
  operatingSystem: string;
  clients: WeightedTable<BrowserSpec>;
}

const ANALYTICS_DEVICE: Record<Platform['deviceType'], string> = {
  desktop: 'computer',
  mobile: 'phone',
  tablet: 'tablet',
  tv: 'tv',
};

const CHROME: BrowserSpec = {
  name: 'Chrome',
  dimension: 'chrome',
  versions: ['126.0', '125.0', '124.0', '123.0', '122.0', '120.0', '118.0', '116.0'],
};
const FIREFOX: BrowserSpec = {
  name: 'Firefox',
  dimension: 'firefox',
  versions: ['127.0', '126.0', '125.0', '124.0', '115.0', '102.0'],
};
const EDGE: BrowserSpec = {
  name: 'Microsoft Edge',
  dimension: 'edge',
  versions: ['126.0', '125.0', '124.0', '122.0', '120.0'],
};
const OPERA: BrowserSpec = {
  name: 'Opera',
  dimension: 'opera',
  versions: ['110.0', '109.0', '106.0'],
};
const SAFARI: BrowserSpec = {
  name: 'Safari',
  dimension: 'safari',
  versions: ['17.5', '17.4', '17.3', '16.6', '15.6'],
};
const MOBILE_SAFARI: BrowserSpec = {
  name: 'Mobile Safari',
  dimension: 'safari',
  versions: ['17.5', '17.4', '17.3', '16.6', '15.8'],
};
const CHROME_MOBILE: BrowserSpec = {
  name: 'Chrome Mobile',
  dimension: 'chrome',
  versions: ['126.0', '125.0', '124.0', '123.0', '120.0'],
};
const CHROME_IOS: BrowserSpec = {
  name: 'Chrome Mobile iOS',
  dimension: 'chrome',
  versions: ['126.0', '125.0', '124.0'],
};
const SAMSUNG: BrowserSpec = {
  name: 'Samsung Browser',
  dimension: 'samsung internet',
  versions: ['25.0', '24.0', '23.0'],
};
const FIREFOX_MOBILE: BrowserSpec = {
  name: 'Firefox Mobile',
  dimension: 'firefox',
  versions: ['127.0', '126.0', '125.0'],
};
const FACEBOOK_APP: BrowserSpec = {
  name: 'Facebook',
  dimension: 'facebook',
  versions: ['468.0', '466.1', '459.0'],
  app: true,
};
const INSTAGRAM_APP: BrowserSpec = {
  name: 'Instagram',
  dimension: 'instagram',
  versions: ['337.0', '334.0', '330.0'],
  app: true,
};
const LINKEDIN_APP: BrowserSpec = {
  name: 'LinkedIn',
  dimension: 'linkedin',
  versions: ['9.29', '9.28'],
  app: true,
};
const TV_BROWSER: BrowserSpec = {
  name: 'Chrome Webview',
  dimension: 'chrome',
  versions: ['108.0', '98.0', '87.0'],
};

const table = <T>(entries: Array<readonly [T, number]>) => new WeightedTable(entries);

const PLATFORMS = table<Platform>([
  [
    {
      deviceType: 'desktop',
      vendors: table([
        [['unknown', ['unknown']], 5],
        [['Dell', ['unknown', 'XPS 13', 'Latitude 5440']], 3],
        [['HP', ['unknown', 'EliteBook 840']], 2],
        [['Lenovo', ['unknown', 'ThinkPad X1 Carbon']], 2],
        [['Asus', ['unknown']], 1],
      ]),
      os: table([
        [{ name: 'Microsoft Windows', shortname: 'W10', version: 'Windows10' }, 6],
        [{ name: 'Microsoft Windows', shortname: 'W11', version: 'Windows11' }, 4],
      ]),
      operatingSystem: 'windows',
      clients: table([
        [CHROME, 62],
        [EDGE, 20],
        [FIREFOX, 13],
        [OPERA, 5],
      ]),
    },
    31,
  ],
  [
    {
      deviceType: 'desktop',
      vendors: table([[['Apple', ['MacBook Pro', 'MacBook Air', 'iMac', 'unknown']], 1]]),
      os: table([
        [{ name: 'Mac OS X', shortname: 'MAC', version: '10.15' }, 8],
        [{ name: 'Mac OS X', shortname: 'MAC', version: '14.5' }, 2],
      ]),
      operatingSystem: 'mac osx',
      clients: table([
        [SAFARI, 45],
        [CHROME, 45],
        [FIREFOX, 10],
      ]),
    },
    13,
  ],
  [
    {
      deviceType: 'desktop',
      vendors: table([[['unknown', ['unknown']], 1]]),
      os: table([
        [{ name: 'GNU/Linux', shortname: 'LIN', version: 'unknown' }, 3],
        [{ name: 'Ubuntu', shortname: 'UBT', version: '22.04' }, 1],
      ]),
      operatingSystem: 'linux',
      clients: table([
        [FIREFOX, 50],
        [CHROME, 50],
      ]),
    },
    2,
  ],
  [
    {
      deviceType: 'mobile',
      vendors: table([[['Apple', ['iPhone']], 1]]),
      os: table([
        [{ name: 'iOS', shortname: 'IOS', version: '17.5' }, 5],
        [{ name: 'iOS', shortname: 'IOS', version: '17.4' }, 3],
        [{ name: 'iOS', shortname: 'IOS', version: '16.7' }, 2],
      ]),
      operatingSystem: 'ios',
      clients: table([
        [MOBILE_SAFARI, 68],
        [CHROME_IOS, 14],
        [INSTAGRAM_APP, 10],
        [FACEBOOK_APP, 8],
      ]),
    },
    20,
  ],
  [
    {
      deviceType: 'mobile',
      vendors: table([
        [['Samsung', ['Galaxy S24', 'Galaxy S23', 'Galaxy A54', 'Galaxy A15']], 5],
        [['Xiaomi', ['Redmi Note 13', 'Xiaomi 14']], 2],
        [['Google', ['Pixel 8', 'Pixel 7a']], 2],
        [['OnePlus', ['OnePlus 12']], 1],
        [['Motorola', ['moto g84']], 1],
      ]),
      os: table([
        [{ name: 'Android', shortname: 'AND', version: '14' }, 5],
        [{ name: 'Android', shortname: 'AND', version: '13' }, 3],
        [{ name: 'Android', shortname: 'AND', version: '12' }, 2],
      ]),
      operatingSystem: 'android',
      clients: table([
        [CHROME_MOBILE, 64],
        [SAMSUNG, 14],
        [FACEBOOK_APP, 10],
        [LINKEDIN_APP, 6],
        [FIREFOX_MOBILE, 6],
      ]),
    },
    23,
  ],
  [
    {
      deviceType: 'tablet',
      vendors: table([[['Apple', ['iPad']], 1]]),
      os: table([
        [{ name: 'iOS', shortname: 'IOS', version: '17.5' }, 3],
        [{ name: 'iOS', shortname: 'IOS', version: '16.7' }, 1],
      ]),
      operatingSystem: 'ios',
      clients: table([
        [MOBILE_SAFARI, 80],
        [CHROME_IOS, 20],
      ]),
    },
    4,
  ],
  [
    {
      deviceType: 'tablet',
      vendors: table([
        [['Samsung', ['Galaxy Tab S9', 'Galaxy Tab A8']], 2],
        [['Lenovo', ['Tab P11']], 1],
      ]),
      os: table([
        [{ name: 'Android', shortname: 'AND', version: '14' }, 1],
        [{ name: 'Android', shortname: 'AND', version: '13' }, 1],
      ]),
      operatingSystem: 'android',
      clients: table([
        [CHROME_MOBILE, 75],
        [SAMSUNG, 25],
      ]),
    },
    3,
  ],
  [
    {
      deviceType: 'tv',
      vendors: table([
        [['Samsung', ['Smart TV']], 3],
        [['LG', ['webOS TV']], 2],
        [['Sony', ['Bravia']], 1],
      ]),
      os: table([
        [{ name: 'Tizen', shortname: 'TIZ', version: '7.0' }, 3],
        [{ name: 'webOS', shortname: 'WOS', version: '6.0' }, 2],
        [{ name: 'Android TV', shortname: 'ATV', version: '12' }, 1],
      ]),
      operatingSystem: 'linux',
      clients: table([[TV_BROWSER, 1]]),
    },
    4,
  ],
]);

/** The account's own web pages, where its player is embedded. */
const PAGES = ['/', '/videos', '/blog', '/learn', '/product-tour', '/webinars', '/customers'];

const SEARCH_ENGINES = table([
  ['https://google.com', 80],
  ['https://bing.com', 10],
  ['https://duckduckgo.com', 6],
  ['https://search.yahoo.com', 4],
]);
const SOCIAL = table([
  ['https://facebook.com', 30],
  ['https://t.co', 20],
  ['https://linkedin.com', 25],
  ['https://reddit.com', 15],
  ['https://youtube.com', 10],
]);
const PARTNERS = table([
  ['https://news.ycombinator.com', 3],
  ['https://medium.com', 3],
  ['https://dev.to', 2],
  ['https://www.producthunt.com', 2],
]);

const UNKNOWN_REFERRER: Referrer = {
  url: 'unknown',
  medium: 'unknown',
  source: 'unknown',
  searchTerm: 'unknown',
};

/** Where a referrer URL planted by a hostile data set points. */
export const HOSTILE_REFERRER_URL = 'javascript:alert(1)';

export interface AudienceContext {
  /** The account's site, e.g. `https://www.northwind.tv`. */
  site: string;
  /** Words viewers type to find the account's videos. */
  searchTerms: readonly string[];
}

export function drawAudience(rng: Rng, context: AudienceContext): Audience {
  const platform = PLATFORMS.pick(rng);
  const [vendor, models] = platform.vendors.pick(rng);
  const os = platform.os.pick(rng);
  const spec = platform.clients.pick(rng);
  const device: Device = { type: platform.deviceType, vendor, model: rng.pick(models) };
  const client: Client = {
    type: spec.app ? 'mobile app' : 'browser',
    name: spec.name,
    version: rng.pick(spec.versions),
  };
  const referrer = spec.app ? UNKNOWN_REFERRER : drawReferrer(rng, context);
  return {
    device,
    os: { ...os },
    client,
    referrer,
    deviceType: ANALYTICS_DEVICE[platform.deviceType],
    operatingSystem: platform.operatingSystem,
    browser: spec.dimension,
    referrerDimension: referrer.url === 'unknown' ? '' : referrer.url,
  };
}

function drawReferrer(rng: Rng, context: AudienceContext): Referrer {
  const page = () => `${context.site}${rng.pick(PAGES)}`;
  const r = rng.next();
  if (r < 0.32) {
    return {
      url: page(),
      medium: 'organic',
      source: SEARCH_ENGINES.pick(rng),
      searchTerm: rng.pick(context.searchTerms),
    };
  }
  if (r < 0.62) return UNKNOWN_REFERRER;
  if (r < 0.78)
    return { url: page(), medium: 'social', source: SOCIAL.pick(rng), searchTerm: 'unknown' };
  if (r < 0.9)
    return { url: page(), medium: 'referral', source: PARTNERS.pick(rng), searchTerm: 'unknown' };
  if (r < 0.95) {
    return {
      url: page(),
      medium: 'paid',
      source: 'https://google.com',
      searchTerm: rng.pick(context.searchTerms),
    };
  }
  return { url: page(), medium: 'email', source: 'newsletter', searchTerm: 'unknown' };
}
