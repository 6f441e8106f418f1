// Mozilla User Preferences
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.accountmanager.accounts", "account1,account2");
user_pref("mail.identity.id1.fullName", "Megan Bowen");
user_pref("mail.identity.id1.useremail", "megan.bowen@contoso.example");
user_pref("mail.server.server1.hostname", "outlook.office365.com");
user_pref("mail.server.server1.port", 993);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.userName", "megan.bowen@contoso.example");
user_pref("mail.server.server1.authMethod", 10);
user_pref("mail.server.server2.hostname", "Local Folders");
user_pref("mail.server.server2.type", "none");
user_pref("mail.server.server2.userName", "nobody");
