declare const __VIEWERSHIP_VERSION__: string | undefined;

/** Set by the build; tests that import the sources directly see the development version. */
export const VERSION: string =
  typeof __VIEWERSHIP_VERSION__ === 'string' ? __VIEWERSHIP_VERSION__ : '0.0.0-dev';
