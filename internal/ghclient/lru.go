package ghclient

import (
	"container/list"
	"sync"
)

// lru is an httpcache.Cache bounded by the bytes it holds; the least
// recently used responses go first.
type lru struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List
	items map[string]*list.Element
}

type lruEntry struct {
	key   string
	value []byte
}

func newLRU(maxBytes int) *lru {
	return &lru{max: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lru) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry).value, true
}

func (c *lru) Set(key string, value []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.size -= len(el.Value.(*lruEntry).value)
		c.order.Remove(el)
		delete(c.items, key)
	}
	if len(value) > c.max {
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry{key: key, value: value})
	c.size += len(value)
	for c.size > c.max {
		last := c.order.Back()
		e := last.Value.(*lruEntry)
		c.order.Remove(last)
		delete(c.items, e.key)
		c.size -= len(e.value)
	}
}

func (c *lru) Delete(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.size -= len(el.Value.(*lruEntry).value)
		c.order.Remove(el)
		delete(c.items, key)
	}
}
