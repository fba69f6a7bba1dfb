# ParkGate watchdog: starts ParkGate and starts it again whenever it exits (crash, kill, update
# restart that did not relaunch). Backs off when it keeps dying. Run by the scheduled task
# (parkgate-task.xml) at logon of the kiosk user.
$ErrorActionPreference = 'Continue'
$exe = Join-Path $PSScriptRoot '..\..\..\ParkGate.exe'
$exe = [System.IO.Path]::GetFullPath($exe)
$logDir = Join-Path $env:LOCALAPPDATA 'ParkGate'
New-Item -ItemType Directory -Force -Path $logDir | Out-Null
$log = Join-Path $logDir 'watchdog.log'
$delay = 3
while ($true) {
  # An update is being installed: let the installer finish (it relaunches ParkGate itself).
  while (Get-Process | Where-Object { $_.Path -like '*parkgate-updater*' -or $_.ProcessName -like 'ParkGate Setup*' }) {
    Start-Sleep -Seconds 5
  }
  $started = Get-Date
  $running = Get-Process -Name 'ParkGate' -ErrorAction SilentlyContinue | Select-Object -First 1
  try {
    if ($running) {
      # Already running (relaunched by an update, or started by hand): watch that one.
      $running.WaitForExit()
      $code = 'watched instance'
    } else {
      Add-Content -Path $log -Value "$(Get-Date -Format o) starting $exe"
      $p = Start-Process -FilePath $exe -PassThru -Wait
      $code = $p.ExitCode
    }
  } catch {
    $code = "start failed: $($_.Exception.Message)"
  }
  Add-Content -Path $log -Value "$(Get-Date -Format o) ParkGate exited ($code)"
  # Quick deaths back off up to a minute; a long healthy run resets the delay.
  if (((Get-Date) - $started).TotalSeconds -gt 300) { $delay = 3 } else { $delay = [Math]::Min($delay * 2, 60) }
  Start-Sleep -Seconds $delay
}
