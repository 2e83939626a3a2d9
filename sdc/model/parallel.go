package model

import "sync"

// EachComponent calls f for every component of m, at most workers at a
// time (workers ≤ 0: 2), and returns when all have returned. Components
// share no column, so f may write what belongs to its own component.
func (m *Model) EachComponent(workers int, f func(ci int, c *Component)) {
	if workers <= 0 {
		workers = 2
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for ci, c := range m.Components {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			f(ci, c)
		}()
	}
	wg.Wait()
}
