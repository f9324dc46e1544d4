# Fake RPM-family host roots whose repo files point at the local mirror
# ($MIRROR, from start_mirror) and trust the rpm-repo fixture's throwaway
# key ($RPM_KEY). Sourced by the tests that provision from them.

# rocky_root DIR CONTENTDIR [repo_gpgcheck [gpgcheck]]: Rocky 9.4 with
# $releasever from VERSION_ID (9) and a custom $contentdir from
# /etc/dnf/vars, as dnf reads them; the repository is served at
# $MIRROR/ok/CONTENTDIR/9/BaseOS/x86_64/os.
rocky_root() {
	mkdir -p "$1/etc/yum.repos.d" "$1/etc/pki/rpm-gpg" "$1/etc/dnf/vars"
	printf 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\nPLATFORM_ID="platform:el9"\n' \
		>"$1/etc/os-release"
	cp "$RPM_KEY" "$1/etc/pki/rpm-gpg/RPM-GPG-KEY-test"
	echo "$2" >"$1/etc/dnf/vars/contentdir"
	cat >"$1/etc/yum.repos.d/rocky.repo" <<REPO
[main]
gpgcheck=1

# What dnf reads, \$releasever from VERSION_ID (9), a custom variable
# from /etc/dnf/vars.
[baseos]
name=Rocky Linux \$releasever - BaseOS
baseurl=$MIRROR/ok/\$contentdir/\$releasever/BaseOS/\$basearch/os/
gpgcheck=${4:-1}
repo_gpgcheck=${3:-1}
enabled=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-test

[appstream-disabled]
name=never read
baseurl=http://127.0.0.1:1/never
enabled=0
REPO
}

# al2023_root DIR: Amazon Linux 2023, $releasever from /etc/dnf/vars
# (2023.6.20250107), repo_gpgcheck off and gpgcheck on, as AL2023 ships
# them; the repository is served at $MIRROR/ok/al2023/2023.6.20250107/x86_64.
al2023_root() {
	mkdir -p "$1/etc/yum.repos.d" "$1/etc/pki/rpm-gpg" "$1/etc/dnf/vars"
	printf 'NAME="Amazon Linux"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\nPLATFORM_ID="platform:al2023"\n' >"$1/etc/os-release"
	echo 2023.6.20250107 >"$1/etc/dnf/vars/releasever"
	cp "$RPM_KEY" "$1/etc/pki/rpm-gpg/RPM-GPG-KEY-test"
	cat >"$1/etc/yum.repos.d/amazonlinux.repo" <<REPO
[amazonlinux]
name=Amazon Linux 2023 repository
baseurl=$MIRROR/ok/al2023/\$releasever/\$basearch/
enabled=1
repo_gpgcheck=0
type=rpm
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-test
REPO
}

# fedora_root DIR: Fedora 40, $releasever from VERSION_ID (40), the
# updates repository as Fedora's repo files name it, gpgcheck on with the
# key by its Fedora-style name, repo_gpgcheck off as Fedora ships it; the
# repository is served at $MIRROR/ok/fedora/updates/40/Everything/x86_64.
fedora_root() {
	mkdir -p "$1/etc/yum.repos.d" "$1/etc/pki/rpm-gpg"
	printf 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\nPLATFORM_ID="platform:f40"\n' >"$1/etc/os-release"
	cp "$RPM_KEY" "$1/etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-40-x86_64"
	cat >"$1/etc/yum.repos.d/fedora-updates.repo" <<REPO
[updates]
name=Fedora \$releasever - \$basearch - Updates
baseurl=$MIRROR/ok/fedora/updates/\$releasever/Everything/\$basearch/
enabled=1
repo_gpgcheck=0
type=rpm
gpgcheck=1
metadata_expire=6h
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-\$releasever-\$basearch
skip_if_unavailable=False
REPO
}

# rpm_mirror_tree SRV: lays the fixture's repositories out under SRV where
# the repo files above put them.
rpm_mirror_tree() {
	mkdir -p "$1/pub/rocky/9/BaseOS/x86_64" "$1/al2023/2023.6.20250107" "$1/fedora/updates/40/Everything"
	cp -al "$RPM_REPO/el" "$1/pub/rocky/9/BaseOS/x86_64/os"
	cp -al "$RPM_REPO/amzn" "$1/al2023/2023.6.20250107/x86_64"
	cp -al "$RPM_REPO/el" "$1/fedora/updates/40/Everything/x86_64"
}
