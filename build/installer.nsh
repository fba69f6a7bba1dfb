; ParkGate NSIS additions: register the auto-start / restart scheduled task after install and
; remove it on uninstall. The task runs the watchdog at logon of the kiosk user, which restarts
; ParkGate whenever it exits (deploy/windows/README.md explains the manual equivalent).
; Register-ScheduledTask takes the XML as a string, so the file's encoding does not matter.
; (Backtick-delimited NSIS strings: the PowerShell command can hold both quote kinds.)

!macro customInstall
  nsExec::ExecToLog `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "Register-ScheduledTask -TaskPath '\ParkGate\' -TaskName 'Kiosk' -Force -Xml (Get-Content -Raw '$INSTDIR\resources\deploy\windows\parkgate-task.xml')"`
!macroend

!macro customUnInstall
  nsExec::ExecToLog `powershell.exe -NoProfile -NonInteractive -Command "Unregister-ScheduledTask -TaskPath '\ParkGate\' -TaskName 'Kiosk' -Confirm:$$false"`
!macroend
