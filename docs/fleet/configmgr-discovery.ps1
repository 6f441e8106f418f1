<#
.SYNOPSIS
    Session Doctor: discovery script for a Configuration Manager configuration item.

.DESCRIPTION
    Setting type: Script, data type: String, run as the logged-on user ("Run scripts by
    using the logged on user credentials"). Compliance rule: the value returned "Equals"
    `clean`. The remediation script of the rule (optional) can be remediate.ps1.

    Runs `session-doctor-cli.exe check --exit-code --json` (read-only) and writes one value:

      clean                  the CLI's exit 0: compliant
      findings: <verdict>    the CLI's exit 1: non-compliant, with what was found

    When the check could not be done (the CLI's exit 2, or no CLI) it writes the reason to
    the error stream and exits 1, which Configuration Manager reports as a discovery
    failure rather than as compliant or non-compliant.
#>

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

$cli = Find-SessionDoctorCli
if (-not $cli) {
    [Console]::Error.WriteLine('Could not check: session-doctor-cli.exe was not found.')
    exit 1
}

$stdout = & $cli check --exit-code --json 2>$null
$code = $LASTEXITCODE
try {
    $answer = ($stdout -join "`n") | ConvertFrom-Json -ErrorAction Stop
} catch {
    $answer = $null
}
if ($null -eq $answer -or $answer.schema_version -ne $KnownSchemaVersion) {
    [Console]::Error.WriteLine("Could not check: no answer this script understands (exit $code).")
    exit 1
}

switch ($code) {
    0 { Write-Output 'clean'; exit 0 }
    1 { Write-Output "findings: $($answer.verdict)"; exit 0 }
    default {
        $why = if ($answer.error) { $answer.error } else { $answer.verdict }
        [Console]::Error.WriteLine("Could not check: $why")
        exit 1
    }
}
