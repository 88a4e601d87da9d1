# SPDX-License-Identifier: BSD-3-Clause
# Sourced by run.sh (host side): qdl (linux-msm/qdl) in the VM image beside
# modemflash, for the qdl_compare scenario (scenario_qdl.sh). Debian 12's
# source package of qdl is built when its source can be fetched; the
# mirror has answered 404 for its tarballs, so Debian's binary package of
# the same version is the fallback, said as such. USBVM_NO_QDL=1 leaves it
# out (the scenario then skips).

# qdl_prepare STAGE: qdl, its libraries and a package it can read into STAGE
qdl_prepare() {
	local stage=$1 q=$out/qdl f how
	[ -z "${USBVM_NO_QDL:-}" ] || return 0
	if [ ! -x "$q/bin/qdl" ]; then
		rm -rf "$q" && mkdir -p "$q/dl" "$q/bin"
		if (cd "$q/dl" && apt-get source -qq qdl >/dev/null 2>&1) &&
			make -C "$(ls -d "$q"/dl/qdl-*/ | head -n1)" >/dev/null 2>&1; then
			cp "$(ls -d "$q"/dl/qdl-*/ | head -n1)/qdl" "$q/bin/" &&
				how="built from Debian's source package, $(basename "$(ls "$q"/dl/*.dsc | head -n1)")"
		elif (cd "$q/dl" && apt-get download qdl >/dev/null 2>&1); then
			dpkg-deb -x "$q"/dl/qdl_*.deb "$q/root" && cp "$q/root/usr/bin/qdl" "$q/bin/" &&
				how="Debian's binary package (its source package could not be fetched), $(basename "$(ls "$q"/dl/qdl_*.deb)")"
		fi
		[ -x "$q/bin/qdl" ] || { say "qdl unavailable: qdl_compare will skip"; rm -rf "$q"; return 0; }
		echo "$how" > "$q/how"
		rm -rf "$q/dl" "$q/root"
	fi
	cp "$q/bin/qdl" "$stage/usr/bin/"
	cp "$q/how" "$stage/usbvm/qdl.how"
	for f in $(ldd "$q/bin/qdl" | awk '/=> \// { print $3 }'); do
		[ -e "$stage$f" ] && continue
		mkdir -p "$stage$(dirname "$f")"
		cp -L "$f" "$stage$f"
	done
}

# qdl_package PKG DIR: PKG's update XML in the form this qdl reads: each
# <program> with the label and last_sector it wants, paths with '/'
qdl_package() {
	local xml
	cp -a "$1" "$2"
	xml=$(ls "$2"/update/firehose/rawprogram_*_update.xml)
	awk '/<program / {
		s = $0; sub(/.*start_sector="/, "", s); sub(/".*/, "", s)
		n = $0; sub(/.*num_partition_sectors="/, "", n); sub(/".*/, "", n)
		f = $0; sub(/.*filename="/, "", f); sub(/".*/, "", f)
		gsub(/\\/, "/", f); l = f; sub(/.*\//, "", l); sub(/\..*/, "", l)
		sub(/filename="[^"]*"/, "filename=\"" f "\" label=\"" l "\" last_sector=\"" s + n - 1 "\"")
	} { print }' "$xml" > "$2/update/firehose/rawprogram_qdl.xml"
}
