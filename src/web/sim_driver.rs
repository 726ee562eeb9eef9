//! Runs a simulated [`World`] in the page on real time: one gloo timer armed for the world's next
//! deadline, with a speed factor so flows can be slowed down to watch (0.1 = ten times slower).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;

use super::clock::performance_now;
use crate::sim::World;

struct Clock {
    /// Real time (ms) and simulated time at the last rebase.
    real_epoch: f64,
    sim_epoch: u64,
    speed: f64,
}

impl Clock {
    fn sim_now(&self, real: f64) -> u64 {
        self.sim_epoch + ((real - self.real_epoch).max(0.0) * self.speed) as u64
    }
}

struct Inner {
    world: RefCell<World>,
    clock: RefCell<Clock>,
    timer: RefCell<Option<Timeout>>,
    paused: Cell<bool>,
    on_change: RefCell<Option<Box<dyn Fn()>>>,
}

/// A world advanced by a timer. Cloning gives another handle to the same world.
#[derive(Clone)]
pub struct SimDriver {
    inner: Rc<Inner>,
}

/// Two handles are equal when they drive the same world (so components can take one as a prop).
impl PartialEq for SimDriver {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl SimDriver {
    /// Starts driving `world` at `speed` times real time.
    pub fn new(world: World, speed: f64) -> SimDriver {
        let sim_epoch = world.now();
        let driver = SimDriver {
            inner: Rc::new(Inner {
                world: RefCell::new(world),
                clock: RefCell::new(Clock {
                    real_epoch: performance_now(),
                    sim_epoch,
                    speed: speed.max(0.001),
                }),
                timer: RefCell::new(None),
                paused: Cell::new(false),
                on_change: RefCell::new(None),
            }),
        };
        driver.schedule();
        driver
    }

    /// Called after the world moved (to redraw).
    pub fn set_on_change(&self, on_change: impl Fn() + 'static) {
        *self.inner.on_change.borrow_mut() = Some(Box::new(on_change));
    }

    /// Runs `command` on the world at the current simulated time, then re-arms the timer.
    pub fn with_world<T>(&self, command: impl FnOnce(&mut World) -> T) -> T {
        self.catch_up();
        let result = command(&mut self.inner.world.borrow_mut());
        self.changed();
        self.schedule();
        result
    }

    /// Takes the trace events recorded since the last call (without moving the clock).
    pub fn take_trace(&self) -> Vec<crate::trace::TraceEvent> {
        self.inner.world.borrow_mut().poll_trace()
    }

    /// Reads the world.
    pub fn read<T>(&self, read: impl FnOnce(&World) -> T) -> T {
        read(&self.inner.world.borrow())
    }

    /// Changes the speed factor without a jump in simulated time.
    pub fn set_speed(&self, speed: f64) {
        self.rebase();
        self.inner.clock.borrow_mut().speed = speed.max(0.001);
        self.schedule();
    }

    /// Stops or restarts the clock.
    pub fn set_paused(&self, paused: bool) {
        self.rebase();
        self.inner.paused.set(paused);
        self.schedule();
    }

    fn rebase(&self) {
        let real = performance_now();
        let now = self.inner.world.borrow().now();
        let mut clock = self.inner.clock.borrow_mut();
        clock.real_epoch = real;
        clock.sim_epoch = now;
    }

    /// Brings the world up to the current simulated time.
    fn catch_up(&self) {
        if self.inner.paused.get() {
            return;
        }
        let target = self.inner.clock.borrow().sim_now(performance_now());
        self.inner.world.borrow_mut().advance_to(target);
    }

    fn changed(&self) {
        if let Some(on_change) = self.inner.on_change.borrow().as_ref() {
            on_change();
        }
    }

    /// Arms the one timer for the world's next deadline.
    fn schedule(&self) {
        let mut timer = self.inner.timer.borrow_mut();
        timer.take();
        if self.inner.paused.get() {
            return;
        }
        let world = self.inner.world.borrow();
        let Some(deadline) = world.next_deadline() else {
            return;
        };
        let clock = self.inner.clock.borrow();
        let wait_sim = deadline.saturating_sub(clock.sim_now(performance_now()));
        let wait_real = (wait_sim as f64 / clock.speed).min(f64::from(u32::MAX)) as u32;
        let driver = self.clone();
        *timer = Some(Timeout::new(wait_real, move || {
            driver.catch_up();
            driver.changed();
            driver.schedule();
        }));
    }
}
