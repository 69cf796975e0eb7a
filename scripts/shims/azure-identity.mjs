// tedious loads @azure/identity for Azure AD logins, which mirrorbook's config cannot ask for (SQL logins only).
const refused = (name) =>
  class {
    constructor() {
      throw new Error(`${name}: Azure AD logins are not part of mirrorbook (config: SQL logins)`);
    }
  };
export const DefaultAzureCredential = refused('DefaultAzureCredential');
export const ManagedIdentityCredential = refused('ManagedIdentityCredential');
export const ClientSecretCredential = refused('ClientSecretCredential');
export const UsernamePasswordCredential = refused('UsernamePasswordCredential');
