import { cryptoJsLegacySuite } from './suites/crypto-js-legacy.suite.js';

cryptoJsLegacySuite();
