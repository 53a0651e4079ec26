# SPDX-License-Identifier: BSD-2-Clause
# cacti-lib.sh - a private Cacti (Debian's package) on a private MariaDB
#
# Sourced by tests/pollers/cacti.test after tests/snmp/lib.sh (fx_dir,
# fx_pids). Nothing of the system's Cacti or MariaDB is used or changed:
# the Cacti tree (/usr/share/cacti) is copied into $fx_dir/cacti with its
# own config.php (database on a unix socket in $fx_dir), its own rra/ and
# log/; mariadbd runs on its own datadir and socket, with networking off,
# and is stopped by its PID.
#
# Functions:
#   ct_install         apt-get the packages (cacti, mariadb-server, php-*)
#                      unless present; Cacti's own database set-up skipped
#   ct_start_db        mariadb-install-db + mariadbd on $fx_dir/db
#   ct_load_schema     database "cacti" from Debian's cacti.sql
#   ct_tree            the copied Cacti tree and its config.php
#   ct_php FILE ARGS   run a Cacti CLI script (cli/FILE) of the copy
#   ct_sql SQL         run SQL in the cacti database, tab-separated output

ct_dir=
ct_sock=

ct_pkgs="cacti mariadb-server mariadb-client php-cli php-mysql php-snmp php-xml php-gd
 php-mbstring php-gmp php-intl php-ldap rrdtool snmp"

# ct_install - Debian's Cacti stack, without Cacti's own database set-up
ct_install() {
    _missing=
    for _p in $ct_pkgs; do
        dpkg-query -W -f='${Status}' "$_p" 2>/dev/null | grep -q 'install ok installed' ||
            _missing="$_missing $_p"
    done
    [ -z "$_missing" ] && return 0
    [ "$(id -u)" = 0 ] || { echo "# cacti: need root to install$_missing"; return 1; }
    echo "cacti cacti/dbconfig-install boolean false" | debconf-set-selections
    echo "cacti cacti/webserver select None" | debconf-set-selections 2>/dev/null
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
        --no-install-recommends $_missing >"$fx_dir/apt.log" 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 &&
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
                --no-install-recommends $_missing >"$fx_dir/apt.log" 2>&1; }
}

# ct_start_db - a private mariadbd; waits until it answers. It runs as
# root (the test does; the temp dir is not open to the mysql user).
ct_start_db() {
    ct_sock=$fx_dir/db.sock
    mkdir -p "$fx_dir/db"
    mariadb-install-db --no-defaults --datadir="$fx_dir/db" --user=root \
        --auth-root-authentication-method=socket --skip-test-db >"$fx_dir/db-install.log" 2>&1 ||
        return 1
    mariadbd --no-defaults --datadir="$fx_dir/db" --socket="$ct_sock" --skip-networking \
        --pid-file="$fx_dir/db.pid" --user=root --log-error="$fx_dir/db.err" \
        --innodb-buffer-pool-size=64M --character-set-server=utf8mb4 \
        --collation-server=utf8mb4_unicode_ci --max-heap-table-size=64M \
        --tmp-table-size=64M --join-buffer-size=64M --innodb-file-per-table=ON \
        </dev/null >/dev/null 2>&1 &
    fx_pids="$! $fx_pids"
    _i=0
    while [ $_i -lt 300 ]; do
        mariadb --no-defaults -S "$ct_sock" -u root -e 'select 1' >/dev/null 2>&1 && return 0
        sleep 0.1
        _i=$((_i + 1))
    done
    cat "$fx_dir/db.err"
    return 1
}

# ct_sql SQL - one statement in the cacti database
ct_sql() {
    mariadb --no-defaults -S "$ct_sock" -u root -N -B cacti -e "$1"
}

# ct_load_schema - the cacti database and user, from Debian's cacti.sql
ct_load_schema() {
    mariadb --no-defaults -S "$ct_sock" -u root -e "
        CREATE DATABASE cacti DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        CREATE USER 'cacti'@'localhost' IDENTIFIED BY 'cactitest';
        GRANT ALL ON cacti.* TO 'cacti'@'localhost';
        GRANT SELECT ON mysql.time_zone_name TO 'cacti'@'localhost';" &&
        mariadb --no-defaults -S "$ct_sock" -u root cacti </usr/share/cacti/conf_templates/cacti.sql
}

# ct_tree - Cacti's tree, copied, with a config.php for this database
ct_tree() {
    ct_dir=$fx_dir/cacti
    mkdir -p "$ct_dir"
    # Debian links rra/, log/, cache/ and config.php to /var and /etc:
    # those become our own; the rest is copied with its links resolved.
    for _e in /usr/share/cacti/*; do
        [ "${_e##*/}" = site ] && continue
        cp -rL "$_e" "$ct_dir/" || return 1
    done
    mkdir -p "$ct_dir/site"
    for _e in /usr/share/cacti/site/* /usr/share/cacti/site/.[!.]*; do
        [ -e "$_e" ] || continue
        case ${_e##*/} in
        rra | log) mkdir -p "$ct_dir/site/${_e##*/}" ;;
        cache) mkdir -p "$ct_dir/site/cache/boost" "$ct_dir/site/cache/mibcache" \
            "$ct_dir/site/cache/realtime" "$ct_dir/site/cache/spikekill" ;;
        *) cp -rL "$_e" "$ct_dir/site/" || return 1 ;;
        esac
    done
    rm -f "$ct_dir/site/include/config.php"
    mkdir -p "$fx_dir/csrf"
    cat >"$ct_dir/site/include/config.php" <<EOF
<?php
\$database_type     = 'mysql';
\$database_default  = 'cacti';
\$database_hostname = '$ct_sock';
\$database_username = 'cacti';
\$database_password = 'cactitest';
\$database_port     = '3306';
\$database_retries  = 2;
\$database_ssl      = false;
\$database_ssl_key  = '';
\$database_ssl_cert = '';
\$database_ssl_ca   = '';
\$database_persist  = false;
\$poller_id = 1;
\$url_path = '/cacti/';
\$cacti_session_name = 'Cacti';
\$cacti_db_session = false;
\$disable_log_rotation = true;
\$path_csrf_secret = '$fx_dir/csrf/secret.php';
\$proxy_headers = null;
EOF
}

# ct_php FILE ARGS... - a CLI script of the copied tree
ct_php() {
    _f=$1
    shift
    php -d memory_limit=512M "$ct_dir/cli/$_f" "$@"
}
