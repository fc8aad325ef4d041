sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
sysctl -w net.ipv4.conf.lo.arp_ignore=1
sysctl -w net.ipv4.conf.lo.arp_announce=2
ip addr add 172.16.10.212/16 dev eth0
ip link set eth0 up
ip route add default via 172.16.0.1
ip addr add 192.168.1.10/32 dev lo
