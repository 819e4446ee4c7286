import { aesGcmSuite } from './suites/aes-gcm.suite.js';

aesGcmSuite();
