/** The dashboard's browser entry point, bundled by scripts/build.mjs into dist/dashboard/app.js. */
import { startApp } from './app.js';
import { pickSource } from './source.js';
import { injectStyles } from './style.js';

injectStyles();
startApp(document.getElementById('app') ?? document.body, pickSource());
