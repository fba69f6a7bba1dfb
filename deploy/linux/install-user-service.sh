#!/bin/sh
# Installs and starts the ParkGate systemd user unit for the current (kiosk) user.
#   sh install-user-service.sh            # Electron app (deb in /opt/ParkGate)
#   sh install-user-service.sh browser    # browser kiosk mode from /opt/parkgate
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
unit=parkgate.service
[ "${1:-}" = "browser" ] && unit=parkgate-browser.service
mkdir -p "$HOME/.config/systemd/user"
cp "$here/$unit" "$HOME/.config/systemd/user/$unit"
systemctl --user daemon-reload
systemctl --user enable --now "$unit"
echo "ParkGate: $unit enabled; it starts at login and restarts if it stops."
echo "Status: systemctl --user status $unit    Logs: journalctl --user -u $unit"
