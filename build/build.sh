#!/usr/bin/env bash
# Builds ./caddy: Caddy with its standard modules and this repository's modules,
# stamped with this checkout's version.
#
# Go records a module's version in the binary only for dependencies; the main
# module is always "(devel)", and `caddy list-modules --versions` and
# `caddy build-info` read exactly those records. So the build runs in a small
# throwaway module that requires github.com/samtykke/caddy-consent at
# $VERSION and replaces it with this checkout, as xcaddy does.
#
# VERSION: the tag at HEAD (v1.2.3), else a Go pseudo-version from the last
# commit (v0.0.0-20261121191012-e82e66c4576a, or v1.2.4-0.… after tag v1.2.3).
# Override with `make build VERSION=v1.0.0`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-$root/caddy}
go=${GO:-go}
module=github.com/samtykke/caddy-consent

version=${VERSION:-}
if [ -z "$version" ]; then
	cd "$root"
	if ! git rev-parse --git-dir >/dev/null 2>&1; then
		version=v0.0.0-00010101000000-000000000000
	elif version=$(git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null); then
		:
	else
		stamp=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S)
		rev=$(git rev-parse HEAD | cut -c1-12)
		base=v0.0.0-
		if last=$(git describe --tags --abbrev=0 --match 'v[0-9]*.[0-9]*.[0-9]*' 2>/dev/null) &&
			[[ $last =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)$ ]]; then
			base="v${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.$((BASH_REMATCH[3] + 1))-0."
		fi
		version="$base$stamp-$rev"
	fi
	if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
		echo "build: warning: uncommitted changes are built in, but $version names the last commit" >&2
	fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
goversion=$(sed -n 's/^go //p' "$root/go.mod")
cat >"$work/go.mod" <<MOD
module caddy-consent-build

go $goversion

require $module $version

replace $module => $root
MOD
cp "$root/cmd/caddy/main.go" "$work/main.go"
cp "$root/go.sum" "$work/go.sum"
cd "$work"
# -mod=mod lets go fill in the build module's requirements from the checkout's
# go.mod; every module comes from the cache `go mod download` filled. No
# -trimpath, so the build reuses what `go test` already compiled.
GOFLAGS=-mod=mod "$go" build -o "$out" .
echo "built $out with $module $version"
