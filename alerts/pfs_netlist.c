/* SPDX-License-Identifier: BSD-2-Clause */
/*++
 * NAME
 *	pfs_netlist 3
 * SUMMARY
 *	a list of IPv4 and IPv6 networks, and whether an address is in one
 * SYNOPSIS
 *	#include "pfs_netlist.h"
 *
 *	PFS_NETLIST *pfs_netlist_create(specs, n, bad)
 *
 *	int	pfs_netlist_match(list, addr, len)
 *
 *	int	pfs_netlist_valid(spec)
 *
 *	void	pfs_netlist_free(list)
 * DESCRIPTION
 *	The networks are given as Postfix's mynetworks gives them: an
 *	address ("192.0.2.7", "2001:db8::1") or an address with a prefix
 *	length ("192.0.2.0/24", "2001:db8::/32"), IPv6 with or without
 *	brackets ("[2001:db8::]/32"). pfs_netlist_match() says whether an
 *	address as smtpd logs it (the part between the brackets of
 *	"name[addr]") is in one of them; an IPv4-mapped IPv6 address
 *	("::ffff:192.0.2.7") matches as the IPv4 address it maps.
 * DIAGNOSTICS
 *	pfs_netlist_create() returns NULL, with the first entry it could
 *	not read in *bad. pfs_netlist_valid() says whether one entry reads.
 * SECURITY
 *	Addresses come from the log: they are copied into a bounded buffer
 *	and parsed with inet_pton(3), nothing else.
 *--*/

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "pfs_netlist.h"
#include "pfs_util.h"

struct net {
    int     family;			/* AF_INET or AF_INET6 */
    unsigned char addr[16];
    unsigned prefix;			/* bits */
};

struct PFS_NETLIST {
    struct net *v;
    size_t  n;
};

/* parse_addr - text to family and 4 or 16 octets; -1 if not an address */

static int parse_addr(const char *s, size_t len, int *family, unsigned char addr[16])
{
    char    buf[64];

    if (len > 0 && s[0] == '[' && s[len - 1] == ']') {
	s++;
	len -= 2;
    }
    if (len == 0 || len >= sizeof(buf))
	return (-1);
    memcpy(buf, s, len);
    buf[len] = 0;
    if (inet_pton(AF_INET, buf, addr) == 1) {
	*family = AF_INET;
	return (0);
    }
    if (inet_pton(AF_INET6, buf, addr) == 1) {
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	*family = AF_INET6;
	if (memcmp(addr, mapped, 12) == 0) {
	    memmove(addr, addr + 12, 4);
	    *family = AF_INET;
	}
	return (0);
    }
    return (-1);
}

/* parse_net - "addr" or "addr/prefix" */

static int parse_net(const char *spec, struct net *net)
{
    const char *slash = strrchr(spec, '/');
    size_t  alen = slash ? (size_t) (slash - spec) : strlen(spec);
    unsigned max;
    char   *end;
    unsigned long v;

    memset(net, 0, sizeof(*net));
    if (parse_addr(spec, alen, &net->family, net->addr) < 0)
	return (-1);
    max = net->family == AF_INET ? 32 : 128;
    net->prefix = max;
    if (slash != 0) {
	if (slash[1] < '0' || slash[1] > '9')
	    return (-1);
	v = strtoul(slash + 1, &end, 10);
	if (*end != 0 || v > max)
	    return (-1);
	net->prefix = (unsigned) v;
    }
    return (0);
}

/* pfs_netlist_valid - does one entry read */

int     pfs_netlist_valid(const char *spec)
{
    struct net net;

    return (parse_net(spec, &net) == 0);
}

/* pfs_netlist_create - read every entry, or none */

PFS_NETLIST *pfs_netlist_create(const char *const *specs, size_t n, const char **bad)
{
    PFS_NETLIST *l;
    struct net net;
    size_t  i;

    for (i = 0; i < n; i++) {
	if (parse_net(specs[i], &net) < 0) {
	    if (bad)
		*bad = specs[i];
	    return (0);
	}
    }
    l = pfs_calloc(1, sizeof(*l));
    l->v = pfs_calloc(n ? n : 1, sizeof(*l->v));
    for (i = 0; i < n; i++)
	(void) parse_net(specs[i], l->v + i);
    l->n = n;
    return (l);
}

/* pfs_netlist_free - release */

void    pfs_netlist_free(PFS_NETLIST *l)
{
    if (l == 0)
	return;
    free(l->v);
    free(l);
}

/* in_net - the first prefix bits agree */

static int in_net(const struct net *net, const unsigned char *addr)
{
    unsigned full = net->prefix / 8;
    unsigned rest = net->prefix % 8;
    unsigned char mask;

    if (memcmp(net->addr, addr, full) != 0)
	return (0);
    if (rest == 0)
	return (1);
    mask = (unsigned char) (0xff << (8 - rest));
    return ((net->addr[full] & mask) == (addr[full] & mask));
}

/* pfs_netlist_match - is an address in one of the networks */

int     pfs_netlist_match(const PFS_NETLIST *l, const char *s, size_t len)
{
    unsigned char addr[16];
    int     family;
    size_t  i;

    if (l == 0 || l->n == 0 || parse_addr(s, len, &family, addr) < 0)
	return (0);
    for (i = 0; i < l->n; i++)
	if (l->v[i].family == family && in_net(l->v + i, addr))
	    return (1);
    return (0);
}
