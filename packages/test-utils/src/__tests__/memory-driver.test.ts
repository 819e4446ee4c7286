import { memoryDriver } from '@stowage/core';
import { describeDriverConformance } from '../driver-conformance.js';
import { describeDriverInputValidation } from '../driver-input-validation.js';

let n = 0;
describeDriverConformance('memoryDriver', () => memoryDriver({ name: `conformance-${++n}` }));
describeDriverInputValidation('memoryDriver', () => memoryDriver({ name: `validation-${++n}` }));
