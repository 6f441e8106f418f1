<#
.SYNOPSIS
    Registers Session Doctor in your Microsoft Entra tenant and prints the settings file to
    deploy to your users' computers.

.DESCRIPTION
    Session Doctor signs in as a public client (no secret) registered in your tenant. This
    script, for an administrator, uses the Microsoft Graph PowerShell SDK to:

      1. create the app registration "Session Doctor" with "Allow public client flows" on
         (isFallbackPublicClient: needed for the sign-in with a code; without it sign-in
         fails with AADSTS7000218);
      2. add the "Mobile and desktop applications" redirect URIs http://127.0.0.1 (what the
         app sends, with a port Microsoft ignores for loopback addresses) and
         http://localhost (older setups);
      3. ask for the delegated Microsoft Graph permissions the app requests:
         openid, profile, offline_access, User.Read, and for the help desk's admin mode
         User.RevokeSessions.All, AuditLog.Read.All, Directory.Read.All;
      4. with -GrantAdminConsent, grant admin consent for them tenant-wide (otherwise users
         see AADSTS65001 "Need admin approval");
      5. print the application (client) id and the settings file (config.toml) to deploy.

    It needs the Microsoft.Graph.Authentication and Microsoft.Graph.Applications modules
    (Install-Module Microsoft.Graph -Scope CurrentUser) and an account that may register
    apps (Application Administrator or Cloud Application Administrator; granting consent
    for the admin permissions needs Privileged Role Administrator or Global Administrator).

    The same script is printed by: session-doctor-cli admin register-app-script

.PARAMETER TenantId
    The tenant id or a verified domain (contoso.onmicrosoft.com). Default: the tenant of the
    account you sign in with.

.PARAMETER Environment
    Global (default), USGov or China: the national cloud, as Connect-MgGraph names it.

.PARAMETER DisplayName
    The name shown in the Entra admin center and on the consent page. Default: Session Doctor.

.PARAMETER AllowPersonalAccounts
    Also let personal Microsoft accounts (Outlook.com) sign in, for the personal track.

.PARAMETER NoAdminMode
    Leave out the admin permissions (User.RevokeSessions.All, AuditLog.Read.All,
    Directory.Read.All): users can still sign out their own sessions everywhere.

.PARAMETER GrantAdminConsent
    Grant admin consent for the permissions in the whole tenant right away.

.EXAMPLE
    ./register-app.ps1 -TenantId contoso.onmicrosoft.com -GrantAdminConsent
#>
[CmdletBinding()]
param(
    [string] $TenantId,
    [ValidateSet('Global', 'USGov', 'China')]
    [string] $Environment = 'Global',
    [string] $DisplayName = 'Session Doctor',
    [switch] $AllowPersonalAccounts,
    [switch] $NoAdminMode,
    [switch] $GrantAdminConsent
)

$ErrorActionPreference = 'Stop'

# Microsoft Graph's application id: the same in every tenant and national cloud.
$GraphAppId = '00000003-0000-0000-c000-000000000000'

# The delegated permissions Session Doctor asks for (crates/cloud/src/config.rs,
# USER_SCOPES and ADMIN_SCOPES). A test checks this list against the code.
$UserScopes = @('openid', 'profile', 'offline_access', 'User.Read')
$AdminScopes = @('User.RevokeSessions.All', 'AuditLog.Read.All', 'Directory.Read.All')

# Loopback redirect URIs (Microsoft ignores their port). The app sends
# http://127.0.0.1:PORT/ from a port the system picks.
$RedirectUris = @('http://127.0.0.1', 'http://localhost')

$scopes = $UserScopes
if (-not $NoAdminMode) { $scopes = $UserScopes + $AdminScopes }

$connectScopes = @('Application.ReadWrite.All')
if ($GrantAdminConsent) { $connectScopes += 'DelegatedPermissionGrant.ReadWrite.All' }
$connect = @{ Scopes = $connectScopes; Environment = $Environment; NoWelcome = $true }
if ($TenantId) { $connect.TenantId = $TenantId }
Connect-MgGraph @connect
$context = Get-MgContext
Write-Host "Signed in as $($context.Account) to tenant $($context.TenantId)."

# Permission ids are looked up in the tenant rather than written here, so a typo cannot
# register a different permission.
$graph = Get-MgServicePrincipal -Filter "appId eq '$GraphAppId'"
if (-not $graph) { throw "Microsoft Graph's service principal was not found in this tenant." }
$access = foreach ($name in $scopes) {
    $scope = $graph.Oauth2PermissionScopes | Where-Object { $_.Value -eq $name }
    if (-not $scope) { throw "Microsoft Graph has no delegated permission named $name." }
    @{ Id = $scope.Id; Type = 'Scope' }
}

$existing = Get-MgApplication -Filter "displayName eq '$($DisplayName.Replace("'", "''"))'"
if ($existing) {
    Write-Warning "An app named '$DisplayName' exists already (client id $($existing[0].AppId)); nothing was created. Remove it or pass -DisplayName."
    return
}

$audience = if ($AllowPersonalAccounts) { 'AzureADandPersonalMicrosoftAccount' } else { 'AzureADMyOrg' }
$app = New-MgApplication -DisplayName $DisplayName `
    -SignInAudience $audience `
    -IsFallbackPublicClient `
    -PublicClient @{ RedirectUris = $RedirectUris } `
    -RequiredResourceAccess @(@{ ResourceAppId = $GraphAppId; ResourceAccess = @($access) })
$sp = New-MgServicePrincipal -AppId $app.AppId
Write-Host "Registered '$DisplayName': application (client) id $($app.AppId)."

if ($GrantAdminConsent) {
    New-MgOauth2PermissionGrant -ClientId $sp.Id -ConsentType 'AllPrincipals' `
        -ResourceId $graph.Id -Scope ($scopes -join ' ') | Out-Null
    Write-Host "Admin consent granted for: $($scopes -join ', ')."
} else {
    $authority = switch ($Environment) {
        'USGov' { 'https://login.microsoftonline.us' }
        'China' { 'https://login.chinacloudapi.cn' }
        default { 'https://login.microsoftonline.com' }
    }
    Write-Host "Grant admin consent (or users see AADSTS65001): $authority/$($context.TenantId)/adminconsent?client_id=$($app.AppId)"
}

$cloud = switch ($Environment) { 'USGov' { 'us_gov' } 'China' { 'china' } default { 'public' } }
$tenant = if ($AllowPersonalAccounts) { 'common' } else { $context.TenantId }
Write-Host ''
Write-Host 'Deploy this settings file (config.toml) to every computer:'
Write-Host '  Windows: %ProgramData%\SessionDoctor\config.toml'
Write-Host '  macOS:   /Library/Application Support/SessionDoctor/config.toml'
Write-Host '  Linux:   /etc/session-doctor/config.toml'
Write-Host ''
Write-Output "# Session Doctor, preset by IT ($(Get-Date -Format 'yyyy-MM-dd'))"
Write-Output "client_id = `"$($app.AppId)`""
Write-Output "tenant = `"$tenant`""
Write-Output "cloud = `"$cloud`""
