#!/usr/bin/env bash
# Checks a Caddy built by build.sh: `list-modules --versions` names every
# module of this repository with the version `build-info` records for
# github.com/samtykke/caddy-consent, and that version is a real one, not
# "(devel)".
set -euo pipefail
bin=${1:-./caddy}
module=github.com/samtykke/caddy-consent
want=(caddy.logging.encoders.ip_truncate http.handlers.consent http.matchers.consent)

version=$("$bin" build-info | awk -v m="$module" '$1 == "dep" && $2 == m { print $3 }')
if [ -z "$version" ] || [ "$version" = "(devel)" ]; then
	echo "build-check: $bin build-info records no version for $module (got '${version}')" >&2
	exit 1
fi
listing=$("$bin" list-modules --versions)
status=0
for id in "${want[@]}"; do
	if ! grep -qxF "$id $version" <<<"$listing"; then
		echo "build-check: list-modules --versions lacks '$id $version'; its lines for $id:" >&2
		grep -F "$id" <<<"$listing" >&2 || echo "  (none)" >&2
		status=1
	fi
done
[ $status = 0 ] && echo "build-check: $bin reports $module $version for ${#want[@]} modules"
exit $status
