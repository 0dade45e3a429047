package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterNodes is the size of a test cluster: three primaries, the fewest
// redis-cli accepts, and no replicas.
const clusterNodes = 3

// StartCluster starts a Redis Cluster of the test's own (three redis-server
// processes on free ports, each a primary for a third of the slots), waits
// until every node reports the cluster healthy, and returns its URL in the
// form store.Open takes: redis://host:port?addr=host:port&addr=host:port.
// The processes are killed and their files removed when the test ends. It
// needs redis-server and redis-cli on the PATH; without them the test fails.
func StartCluster(t testing.TB) string {
	t.Helper()
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Fatalf("redistest: a cluster needs redis-cli (apt-get install redis-server): %v", err)
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("redistest: a cluster needs redis-server (apt-get install redis-server): %v", err)
	}
	dir, err := os.MkdirTemp("", "redistest-cluster")
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	var nodes []*Server
	t.Cleanup(func() {
		for _, s := range nodes {
			s.Stop()
		}
		os.RemoveAll(dir)
	})
	for range clusterNodes {
		s, err := startClusterNode(dir)
		if err != nil {
			t.Fatalf("redistest: start cluster node: %v\n%s", err, clusterLogs(dir))
		}
		nodes = append(nodes, s)
	}

	addrs := make([]string, len(nodes))
	for i, s := range nodes {
		addrs[i] = s.Addr()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := append(append([]string{"--cluster", "create"}, addrs...), "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redistest: redis-cli --cluster create: %v\n%s\n%s", err, out, clusterLogs(dir))
	}
	if err := waitClusterOK(ctx, addrs, 15*time.Second); err != nil {
		t.Fatalf("redistest: %v\n%s", err, clusterLogs(dir))
	}

	return "redis://" + addrs[0] + "?addr=" + strings.Join(addrs[1:], "&addr=")
}

// startClusterNode starts one cluster-enabled redis-server in dir. A node
// also listens on its port + 10000 (the cluster bus), so the port must leave
// room for that and the bus port must be free as well.
func startClusterNode(dir string) (*Server, error) {
	var lastErr error
	for range 20 {
		port, err := FreePort()
		if err != nil {
			return nil, err
		}
		if port+10000 > 65535 || !portFree(port+10000) {
			continue
		}
		p := strconv.Itoa(port)
		// Restart adds --bind 127.0.0.1 --save "" --appendonly no
		// --protected-mode no --dir dir.
		s := &Server{Port: port, Dir: dir, Args: []string{
			"--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(dir, "nodes-"+p+".conf"),
			"--cluster-node-timeout", "5000",
			"--logfile", filepath.Join(dir, "redis-"+p+".log"),
		}}
		if lastErr = s.Restart(); lastErr == nil {
			return s, nil
		}
	}
	if lastErr == nil {
		lastErr = fmt.Errorf("no free port pair (port, port+10000) found")
	}
	return nil, lastErr
}

// portFree reports whether nobody listens on port of 127.0.0.1.
func portFree(port int) bool {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// waitClusterOK polls CLUSTER INFO on every node until each of them sees
// the whole cluster (all slots served, every node known), for at most wait.
func waitClusterOK(ctx context.Context, addrs []string, wait time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for _, addr := range addrs {
		rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
		var info string
		for {
			info, _ = rdb.ClusterInfo(ctx).Result()
			if strings.Contains(info, "cluster_state:ok") &&
				strings.Contains(info, "cluster_known_nodes:"+strconv.Itoa(len(addrs))+"\r\n") {
				break
			}
			select {
			case <-ctx.Done():
				rdb.Close()
				return fmt.Errorf("cluster node %s not ready within %v; CLUSTER INFO:\n%s", addr, wait, info)
			case <-time.After(50 * time.Millisecond): // real time: polls Redis processes that are starting
			}
		}
		rdb.Close()
	}
	return nil
}

// clusterLogs returns the logs of the nodes in dir, to explain a failure.
func clusterLogs(dir string) string {
	files, _ := filepath.Glob(filepath.Join(dir, "redis-*.log"))
	var b strings.Builder
	for _, f := range files {
		buf, _ := os.ReadFile(f)
		fmt.Fprintf(&b, "--- %s\n%s", filepath.Base(f), buf)
	}
	return b.String()
}
