#!/usr/bin/env bash
# The Debian package (root only; exit 77 = skipped): `cpack -G DEB` makes tapvs_*.deb with its
# dependencies declared, `apt-get install ./tapvs_*.deb` installs it, and the installed `tapvs lab
# list` and `tapvs grade` work from anywhere (they find the labs in /usr/share/tapvs/labs). The
# package is removed again at the end, also on failure.
#
# usage: package_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
BUILD=$(realpath "${1:?usage: package_test.sh BUILD_DIR SOURCE_DIR}")
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -c /dev/net/tun ] || { echo "SKIP: no /dev/net/tun"; exit 77; }
for p in cpack dpkg-deb apt-get; do command -v $p >/dev/null || { echo "SKIP: no $p"; exit 77; }; done
if dpkg-query -W -f='${Status}' tapvs 2>/dev/null | grep -q "install ok installed"; then
  echo "SKIP: a tapvs package is installed already, and this test does not replace it"; exit 77
fi
WORK=$(mktemp -d /tmp/tapvs-package-test.XXXXXX)
installed=0
fail=0
cleanup() {
  local rc=$?
  [ $installed = 1 ] && DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq tapvs >/dev/null 2>&1
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
bad() { echo "FAIL: $*"; fail=1; }

(cd "$WORK" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$WORK/pkg" >"$WORK/cpack.log" 2>&1) ||
  { bad "cpack failed"; tail -20 "$WORK/cpack.log"; exit 1; }
deb=$(ls "$WORK"/pkg/tapvs_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { bad "no tapvs_*.deb"; ls -la "$WORK/pkg"; exit 1; }
depends=$(dpkg-deb -f "$deb" Depends)
for d in libpcap0.8 libfmt iproute2 net-tools procps libstdc++6; do
  echo "$depends" | grep -q "$d" || bad "the package does not depend on $d: $depends"
done
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/tapvs ./usr/bin/tapvsadm ./usr/share/tapvs/labs/nat/lab.conf ./usr/share/tapvs/labs/nat/submissions/reference.txt \
         ./usr/share/doc/tapvs/grading.md; do
  echo "$contents" | grep -q " $f\$" || bad "the package lacks $f"
done
echo "ok: $(basename "$deb"), $(du -h "$deb" | cut -f1), Depends: $depends"

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$WORK/apt.log" 2>&1 && installed=1 ||
  { bad "apt-get install $deb failed"; tail -20 "$WORK/apt.log"; exit 1; }
cd / || exit 1
/usr/bin/tapvs lab list >"$WORK/list.txt" 2>&1 && grep -q "Labs in /usr/share/tapvs/labs" "$WORK/list.txt" && grep -q "^  nat " "$WORK/list.txt" &&
  echo "ok: the installed tapvs lab list: $(grep -c '^  ' "$WORK/list.txt") labs in /usr/share/tapvs/labs" ||
  { bad "the installed tapvs lab list:"; cat "$WORK/list.txt"; }
/usr/bin/tapvs grade --lab nat /usr/share/tapvs/labs/nat/submissions/reference.txt /usr/share/tapvs/labs/nat/submissions/no-ip-forward.txt \
  --jobs 2 --no-color >"$WORK/grade.txt" 2>&1 &&
  grep -q "^reference *10/10" "$WORK/grade.txt" && grep -q "^no-ip-forward *3/10" "$WORK/grade.txt" &&
  echo "ok: the installed tapvs grade: reference 10/10, no-ip-forward 3/10" || { bad "the installed tapvs grade:"; cat "$WORK/grade.txt"; }
[ -x /usr/bin/tapvsadm ] || bad "no /usr/bin/tapvsadm"
[ $fail = 0 ] && echo "PASS: the package builds, installs, and its tapvs lab list and grade work"
exit $fail
