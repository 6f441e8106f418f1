<#
.SYNOPSIS
    Session Doctor: Intune Remediations remediation script.

.DESCRIPTION
    Runs only the repairs that are safe without anyone at the keyboard, through
    `session-doctor-cli.exe fix run ID --yes`, which previews, backs up and journals each
    change exactly as the app does (the journal is the user's, in
    %APPDATA%\app.sessiondoctor.desktop: the app's Scan screen and `fix journal` / `fix undo`
    show and undo them):

      * always: remove duplicate Outlook profiles (`remove_profile`). The CLI offers only a
        profile that holds the same account as another and is not the default one; the
        profile's registry key is backed up and can be undone.
      * only with $TurnOffConnectionAddins = $true: turn off COM add-ins that are known to
        open their own connections to the mailbox (`disable_addin`), never one a policy
        manages (the CLI does not offer those). Undoable. Off by default: an add-in may be
        needed for work, so this is the organisation's decision.

    Never done here, because each interrupts the user or cannot be undone: closing or
    restarting Outlook and other mail apps (`close_client`, `restart_outlook`), deleting saved
    Office sign-ins (`remove_credential`, no undo), signing out everywhere (needs the user's
    or an admin's sign-in).

    Then it checks again. Exit 0: nothing is left. Exit 1: something is left that needs the
    user (Outlook open twice, web sessions, other devices...); with $OpenGuidance the
    Session Doctor app is opened for the user, if it is installed, on the same findings.
    The output lists what was changed and what is left.

    Run it as the logged-on user, like detect.ps1. See docs/fleet/README.md.
#>

# Opt-in: also turn off add-ins known to open their own connections (see above).
$TurnOffConnectionAddins = $false
# Open the Session Doctor app for the user when something is left that needs them.
$OpenGuidance = $true

$KnownSchemaVersion = 1

function Find-SessionDoctorCli {
    $candidates = @(
        (Join-Path $env:ProgramFiles 'SessionDoctor\session-doctor-cli.exe'),
        (Join-Path $env:LOCALAPPDATA 'Programs\Session Doctor\session-doctor-cli.exe')
    )
    foreach ($c in $candidates) {
        if ($c -and (Test-Path -LiteralPath $c -PathType Leaf)) { return $c }
    }
    $onPath = Get-Command 'session-doctor-cli.exe' -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    return $null
}

# Runs the CLI with --json and returns the parsed answer, or $null (with the reason
# written) when it failed or spoke a schema this script does not know.
function Invoke-SessionDoctorJson([string[]] $CliArgs) {
    $stdout = & $script:cli @CliArgs --json 2>$null
    $code = $LASTEXITCODE
    try {
        $v = ($stdout -join "`n") | ConvertFrom-Json -ErrorAction Stop
    } catch {
        $v = $null
    }
    if ($null -eq $v -or $v.schema_version -ne $KnownSchemaVersion) {
        # Straight to stdout: Write-Output here would become part of the function's result.
        [Console]::Out.WriteLine("session-doctor-cli $($CliArgs -join ' ') failed (exit $code).")
        return $null
    }
    return $v
}

$cli = Find-SessionDoctorCli
if (-not $cli) {
    Write-Output 'Nothing changed: session-doctor-cli.exe was not found (deploy it to %ProgramFiles%\SessionDoctor).'
    exit 1
}

$list = Invoke-SessionDoctorJson @('fix', 'list')
if ($null -eq $list) { Write-Output 'Nothing changed.'; exit 1 }

$chosen = @($list.offers | Where-Object { $_.kind -eq 'remove_profile' })

if ($TurnOffConnectionAddins) {
    # The scan says which add-ins open their own connections; the offers say which of them
    # may be turned off (not policy-managed, loading now).
    $scan = Invoke-SessionDoctorJson @('scan')
    if ($null -ne $scan) {
        $opening = @($scan.addins | Where-Object { $_.opens_connections } | ForEach-Object { $_.prog_id })
        $chosen += @($list.offers | Where-Object {
            $_.kind -eq 'disable_addin' -and ($opening -contains $_.target.prog_id)
        })
    }
}

$failed = 0
foreach ($offer in $chosen) {
    # One offer at a time, by the id the scan gave: the CLI refuses an id it no longer
    # offers, so a second run, or a computer that changed meanwhile, changes nothing.
    $stdout = & $cli fix run $offer.id --yes --json 2>&1
    if ($LASTEXITCODE -eq 0) {
        Write-Output "Changed: $($offer.title)"
    } else {
        $failed++
        Write-Output "Not changed: $($offer.title): $($stdout -join ' ')"
    }
}
if ($chosen.Count -eq 0) { Write-Output 'No safe repair was offered on this computer.' }

$after = Invoke-SessionDoctorJson @('check', '--exit-code')
$code = $LASTEXITCODE
if ($null -eq $after) { exit 1 }
if ($code -eq 0 -and $failed -eq 0) {
    Write-Output "Fixed: $($after.verdict)"
    exit 0
}

Write-Output "Left for the user: $($after.verdict)"
if ($OpenGuidance) {
    $app = Join-Path $env:LOCALAPPDATA 'Programs\Session Doctor\session-doctor.exe'
    if (Test-Path -LiteralPath $app -PathType Leaf) {
        Start-Process -FilePath $app
        Write-Output 'Opened Session Doctor for the user.'
    }
}
exit 1
