// Package chaostest holds the chaos test: the real server against the fake
// GitHub under injected faults, redeliveries and crashes, counting every
// duplicated and every missing effect. The package has no code of its own.
package chaostest
