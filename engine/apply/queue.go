package apply

import (
	"sync"
	"time"
)

// workQueue is a run's work, taken by a bounded set of workers: first the
// tasks of chains already started (a parked chain's continuation, a look
// at a waiting server), in the order they became ready, then new changes,
// as the start order allows. A change's chain runs on one worker at a
// time, from one move to the next; while it waits it holds no worker.
// The queue is done once every change has ended.
type workQueue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	tasks []func()
	head  int
	order startOrder
	// start runs change i's chain from its first step; refuse ends
	// change i, which the order held back or will never start, as not
	// started, for why.
	start  func(i int)
	refuse func(i int, why error)
	// alarm wakes the workers when the order's wake time comes; alarmAt
	// is when it is set for (zero: not set).
	alarm   *time.Timer
	alarmAt time.Time

	// live counts the chains started and not ended (running or parked);
	// busy the tasks being run; mostBusy the most ever run at once.
	live, busy, mostBusy int
	closed               bool
	done                 chan struct{}
	workers              sync.WaitGroup
}

// newWorkQueue returns a queue whose changes are started by start in the
// order order gives; run starts its workers.
func newWorkQueue(order startOrder, start func(i int), refuse func(i int, why error)) *workQueue {
	q := &workQueue{order: order, start: start, refuse: refuse, done: make(chan struct{})}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// run starts n workers (at least one).
func (q *workQueue) run(n int) {
	for range max(n, 1) {
		q.workers.Go(q.work)
	}
}

// work runs tasks until the queue is done or shut.
func (q *workQueue) work() {
	for {
		task, ok := q.take()
		if !ok {
			return
		}
		task()
		q.mu.Lock()
		q.busy--
		q.mu.Unlock()
	}
}

// take returns the next task, blocking while there is none and work is
// still out (a parked chain, a running task); ok is false once the queue
// is done or shut.
func (q *workQueue) take() (func(), bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		if q.closed {
			return nil, false
		}
		if task, ok := q.popLocked(); ok {
			return task, true
		}
		if i, why, ok := q.order.Next(); ok {
			q.live++
			q.runLocked()
			if why != nil {
				return func() { q.refuse(i, why) }, true
			}
			return func() { q.start(i) }, true
		}
		wake := q.order.Wake()
		if q.live == 0 {
			if q.order.Remaining() == 0 {
				q.closed = true
				q.stopAlarmLocked()
				close(q.done)
				q.cond.Broadcast()
				return nil, false
			}
			if wake.IsZero() {
				// Nothing runs or waits, and the order gives nothing and
				// waits for no time: it would wait for ever. End what it
				// holds.
				for _, i := range q.order.Drain() {
					q.live++
					q.tasks = append(q.tasks, func() { q.refuse(i, errHeldBack) })
				}
				continue
			}
		}
		q.setAlarmLocked(wake)
		q.cond.Wait()
	}
}

// setAlarmLocked makes sure the workers wake at at (zero: no alarm is
// needed), when the order may give a change with nothing ending first.
func (q *workQueue) setAlarmLocked(at time.Time) {
	if at.IsZero() || !q.alarmAt.IsZero() && !q.alarmAt.After(at) {
		return
	}
	q.stopAlarmLocked()
	var alarm *time.Timer
	alarm = time.AfterFunc(time.Until(at), func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		if q.alarm == alarm {
			q.alarm, q.alarmAt = nil, time.Time{}
		}
		q.cond.Broadcast()
	})
	q.alarm, q.alarmAt = alarm, at
}

// stopAlarmLocked cancels the alarm, if one is set.
func (q *workQueue) stopAlarmLocked() {
	if q.alarm != nil {
		q.alarm.Stop()
		q.alarm, q.alarmAt = nil, time.Time{}
	}
}

// kick wakes the workers to ask the order again: something it decides
// on, besides a chain's end, has changed (the run stopped).
func (q *workQueue) kick() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.cond.Broadcast()
}

// popLocked takes the oldest ready task.
func (q *workQueue) popLocked() (func(), bool) {
	if q.head == len(q.tasks) {
		return nil, false
	}
	task := q.tasks[q.head]
	q.tasks[q.head] = nil
	q.head++
	if q.head == len(q.tasks) {
		q.tasks, q.head = q.tasks[:0], 0
	} else if q.head >= 1024 && q.head*2 >= len(q.tasks) {
		n := copy(q.tasks, q.tasks[q.head:])
		clear(q.tasks[n:])
		q.tasks, q.head = q.tasks[:n], 0
	}
	q.runLocked()
	return task, true
}

func (q *workQueue) runLocked() {
	q.busy++
	q.mostBusy = max(q.mostBusy, q.busy)
}

// push queues a task of a chain already started; it is dropped once the
// queue is shut.
func (q *workQueue) push(task func()) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.tasks = append(q.tasks, task)
	q.cond.Signal()
}

// ended records that change i's chain has ended with outcome: the order
// may now let others start, and the queue may be done.
func (q *workQueue) ended(i int, outcome Outcome) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.live--
	q.order.Ended(i, outcome)
	q.cond.Broadcast()
}

// idle reports whether no task runs or is ready and no change is left to
// start: every chain still out is parked.
func (q *workQueue) idle() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.busy == 0 && q.head == len(q.tasks) && q.order.Remaining() == 0
}

// shut stops the workers once their task returns and drops every task
// not taken. Work left in the queue is never run.
func (q *workQueue) shut() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		q.stopAlarmLocked()
		clear(q.tasks)
		q.tasks, q.head = nil, 0
		q.cond.Broadcast()
	}
}

// wait blocks until every worker has returned.
func (q *workQueue) wait() { q.workers.Wait() }

// most returns the most tasks ever run at once.
func (q *workQueue) most() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.mostBusy
}
