# SPDX-License-Identifier: BSD-2-Clause
# tests/snmp/genlog.sh - Postfix log lines of real shapes, for the alert tests
#
# Sourced by tests/snmp/*.test. Each function prints whole messages the
# way Postfix 3.7 logs them (smtpd, cleanup, qmgr, smtp), with RFC 3339
# timestamps, so that the lines carry their year and the days they fall
# on do not depend on the wall clock. The line shapes are those of
# tests/unit/alerts/check_alerts.c.
#
# Functions:
#   gl_day BASE N            YYYY-MM-DD of BASE plus N days
#   gl_msg TS SASL N DELAY DELAYS [SERVICE]
#                            one message received by smtpd (SASL user, or
#                            "-" for none) and N recipients relayed outside
#                            by SERVICE/smtp (default smtp) with delay=DELAY
#                            and delays=DELAYS
#   gl_reject TS             one smtpd reject (Relay access denied)
#   gl_pickup TS UID SENDER N
#                            one message submitted with sendmail by UID as
#                            SENDER (pickup), N recipients relayed outside

gl_qid=0

# gl_day BASE N - a date N days after BASE (GNU date)
gl_day() {
    date -u -d "$1 +$2 days" +%F
}

# gl_msg TS SASL N DELAY DELAYS [SERVICE] - one message, N outside recipients
gl_msg() {
    gl_qid=$((gl_qid + 1))
    _q=$(printf '4B%08X' "$gl_qid")
    _ts=$1
    _svc=${6:-}
    [ -n "$_svc" ] && _svc="$_svc/"
    echo "$_ts mx1 postfix/smtpd[2101]: connect from unknown[203.0.113.9]"
    if [ "$2" != - ]; then
        echo "$_ts mx1 postfix/smtpd[2101]: $_q: client=unknown[203.0.113.9]," \
            "sasl_method=PLAIN, sasl_username=$2"
    else
        echo "$_ts mx1 postfix/smtpd[2101]: $_q: client=mail.example.com[198.51.100.30]"
    fi
    echo "$_ts mx1 postfix/cleanup[2102]: $_q: message-id=<$_q.1234@example.org>"
    echo "$_ts mx1 postfix/qmgr[1101]: $_q: from=<sender@example.org>, size=2188," \
        "nrcpt=$3 (queue active)"
    echo "$_ts mx1 postfix/smtpd[2101]: disconnect from unknown[203.0.113.9] ehlo=1" \
        "mail=1 rcpt=$3 data=1 quit=1 commands=$(($3 + 4))"
    _i=1
    while [ "$_i" -le "$3" ]; do
        echo "$_ts mx1 postfix/${_svc}smtp[2103]: $_q: to=<user$_i@example.net>," \
            "relay=mx.example.net[198.51.100.7]:25, delay=$4, delays=$5, dsn=2.0.0," \
            "status=sent (250 2.0.0 Ok: queued as 4XYZ$_i)"
        _i=$((_i + 1))
    done
    echo "$_ts mx1 postfix/qmgr[1101]: $_q: removed"
}

# gl_reject TS - one recipient refused by smtpd
gl_reject() {
    echo "$1 mx1 postfix/smtpd[2101]: NOQUEUE: reject: RCPT from unknown[198.51.100.23]:" \
        "554 5.7.1 <x@example.org>: Relay access denied; from=<a@spam.example>" \
        "to=<x@example.org> proto=ESMTP helo=<spam.example>"
}

# gl_pickup TS UID SENDER N - one message submitted on the host with
# sendmail by UID as SENDER, N recipients relayed outside
gl_pickup() {
    gl_qid=$((gl_qid + 1))
    _q=$(printf '4C%08X' "$gl_qid")
    echo "$1 mx1 postfix/pickup[2201]: $_q: uid=$2 from=<$3>"
    echo "$1 mx1 postfix/cleanup[2102]: $_q: message-id=<$_q.99@mx1.example.org>"
    echo "$1 mx1 postfix/qmgr[1101]: $_q: from=<$3>, size=612, nrcpt=$4 (queue active)"
    _i=1
    while [ "$_i" -le "$4" ]; do
        echo "$1 mx1 postfix/smtp[2103]: $_q: to=<user$_i@example.net>," \
            "relay=mx.example.net[198.51.100.7]:25, delay=0.52," \
            "delays=0.01/0.01/0.2/0.3, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4XYZ$_i)"
        _i=$((_i + 1))
    done
    echo "$1 mx1 postfix/qmgr[1101]: $_q: removed"
}
