import { deflateSuite } from './suites/deflate.suite.js';

deflateSuite();
