<#
.SYNOPSIS
    Session Doctor: Intune Remediations detection script.

.DESCRIPTION
    Runs `session-doctor-cli.exe check --exit-code --json` (read-only: it scans Outlook's
    processes, profiles, add-ins and other mail apps of the signed-in user, and changes
    nothing) and turns its answer into what Intune expects:

      exit 0  nothing found here that holds extra sessions: Intune does not remediate
      exit 1  findings: Intune runs remediate.ps1
      could not check (the CLI's exit 2, or the CLI is missing): exit $CouldNotCheckExit

    The last line of output is the one-line verdict, which Intune shows as the "detection
    output" of the device.

    Run it as the logged-on user ("Run this script using the logged-on credentials": Yes):
    the profiles and add-ins are in HKEY_CURRENT_USER and the mail apps run in the user's
    session; as SYSTEM it would check SYSTEM's empty profile and say "clean".
    See docs/fleet/README.md.
#>

# What to exit with when the check could not be done. 0 keeps Intune from running the
# remediation on an answer we know is incomplete; the output still starts with
# "Could not check", so such devices can be found in the report. Set 1 to remediate anyway
# (remediate.ps1 checks again and changes nothing it was not offered).
$CouldNotCheckExit = 0

# The schema_version of `check --json` this script understands (schemas/check.schema.json).
$KnownSchemaVersion = 1

function Find-SessionDoctorCli {
    # Where a deployment puts the CLI (see README.md), then PATH.
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

$cli = Find-SessionDoctorCli
if (-not $cli) {
    Write-Output 'Could not check: session-doctor-cli.exe was not found (deploy it to %ProgramFiles%\SessionDoctor).'
    exit $CouldNotCheckExit
}

# stdout only: the CLI's one-line errors go to stderr, which is not part of the JSON.
$stdout = & $cli check --exit-code --json 2>$null
$code = $LASTEXITCODE

$answer = $null
try {
    $answer = ($stdout -join "`n") | ConvertFrom-Json -ErrorAction Stop
} catch {
    $answer = $null
}

if ($null -eq $answer -or $answer.schema_version -ne $KnownSchemaVersion) {
    Write-Output "Could not check: session-doctor-cli.exe gave no answer this script understands (exit $code)."
    exit $CouldNotCheckExit
}

switch ($code) {
    0 { Write-Output $answer.verdict; exit 0 }
    1 { Write-Output $answer.verdict; exit 1 }
    default {
        $why = if ($answer.error) { $answer.error } else { $answer.verdict }
        Write-Output "Could not check: $why"
        exit $CouldNotCheckExit
    }
}
