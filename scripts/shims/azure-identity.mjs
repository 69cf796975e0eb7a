// tedious loads @azure/identity for Azure AD logins, which mirrorbook's config cannot ask for (SQL logins only).
export class DefaultAzureCredential {
  constructor() {
    throw new Error('DefaultAzureCredential: Azure AD logins are not part of mirrorbook (config: SQL logins)');
  }
}
export class ManagedIdentityCredential {
  constructor() {
    throw new Error('ManagedIdentityCredential: Azure AD logins are not part of mirrorbook (config: SQL logins)');
  }
}
export class ClientSecretCredential {
  constructor() {
    throw new Error('ClientSecretCredential: Azure AD logins are not part of mirrorbook (config: SQL logins)');
  }
}
export class UsernamePasswordCredential {
  constructor() {
    throw new Error('UsernamePasswordCredential: Azure AD logins are not part of mirrorbook (config: SQL logins)');
  }
}
