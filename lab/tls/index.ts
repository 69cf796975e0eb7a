// The lab's test-only TLS identity (see README.md): every encrypted TDS mode needs one.

import { TEST_CERT_PEM, TEST_KEY_PEM } from './test-certificate.js';

export interface TlsCredentials {
  key: string;
  cert: string;
}

export function loadLabTlsCredentials(): TlsCredentials {
  return { key: TEST_KEY_PEM, cert: TEST_CERT_PEM };
}
