import { lzStringSuite } from './suites/lz-string.suite.js';

lzStringSuite();
