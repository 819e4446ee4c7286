import { aesGcmRotationSuite } from './suites/aes-gcm-rotation.suite.js';

aesGcmRotationSuite();
