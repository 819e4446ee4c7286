import { memoryDriver } from '@stowage/core';
import { describeDriverConformance } from '../driver-conformance.js';

let n = 0;
describeDriverConformance('memoryDriver', () => memoryDriver({ name: `conformance-${++n}` }));
