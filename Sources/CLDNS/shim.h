// ldns (NLnet Labs), Debian's libldns-dev: DNS queries, answers and wire format, so Sheen parses no DNS by hand.
#include <ldns/ldns.h>
