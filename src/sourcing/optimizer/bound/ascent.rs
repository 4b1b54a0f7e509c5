//! Subgradient ascent on the multipliers.

use super::{greater, Lagrangian, NodeView, Schedule};
use crate::sourcing::optimizer::instance::Instance;

impl Lagrangian {
    /// Subgradient ascent from the current multipliers for at most `iters` steps; stops once the
    /// bound exceeds `ub + tol`. Leaves the relaxation at the best multipliers and returns its bound.
    pub fn ascend(
        &mut self,
        inst: &Instance,
        node: &NodeView,
        ub: Option<f64>,
        plan: Schedule,
    ) -> f64 {
        let iters = plan.steps;
        let mut best = f64::NEG_INFINITY;
        let mut best_is_last = false;
        let mut theta = plan.theta;
        let mut stall = 0;
        self.exact = false;
        let mut history = [f64::NEG_INFINITY; 6];
        // Whether the best relaxation of this ascent was ever kept aside.
        let mut saved = false;
        // Deflected directions (Camerini, Fratta, Maffioli): less zig-zag than raw subgradients.
        self.dir.fill(0.0);
        for it in 0..iters.max(1) {
            // The relaxation in place is the best one so far: keep it aside (an evaluation
            // writes every part of it that is read: `w` of the active candidates, `supply`,
            // `chosen` and the counts).
            if best_is_last {
                self.swap_saved();
                saved = true;
            }
            let v = self.eval(inst, node);
            if v == f64::INFINITY {
                // Infeasible node: no multipliers needed.
                return v;
            }
            if v > best {
                let tiny = 1e-12 * (1.0 + v.abs());
                if v > best + tiny {
                    stall = 0;
                } else {
                    stall += 1;
                }
                best = v;
                self.best.copy_from_slice(&self.lambda);
                best_is_last = true;
            } else {
                best_is_last = false;
                stall += 1;
            }
            if stall >= plan.patience {
                theta *= 0.5;
                stall = 0;
            }
            // Beyond the incumbent the node is pruned; level with it, only a tie is left, which
            // more steps cannot beat (the node holds a plan that good) — stop either way.
            if let Some(u) = ub {
                if best >= u - inst.tol {
                    break;
                }
                // Hopeless: at the pace of the last steps the bound would not reach the
                // incumbent before the step limit — branch now rather than polish a bound
                // that cannot prune.
                let old = history[it % history.len()];
                history[it % history.len()] = best;
                if plan.give_up && it >= history.len() && old.is_finite() {
                    let pace = (best - old) / history.len() as f64;
                    let left = (iters - it) as f64;
                    if best + 2.0 * pace * left < u - inst.tol {
                        break;
                    }
                }
            }
            let mut norm2 = 0.0;
            let (mut dot, mut dnorm2) = (0.0, 0.0);
            let m = inst.m();
            // The other rows (cuts of lines that have none) are zero throughout: a gradient
            // of 0 (the multiplier is 0, and the supply of holders at least the 0 wanted), so
            // a direction and a multiplier of 0. Adding their zeros changes no sum.
            for &r in &self.rows {
                let j = r as usize;
                let want = if j < m {
                    inst.q[j] as f64
                } else {
                    self.need[j - m]
                };
                let mut g = want - self.supply[j];
                if self.lambda[j] <= 0.0 && g < 0.0 {
                    g = 0.0;
                }
                self.supply[j] = g;
                norm2 += g * g;
                dot += g * self.dir[j];
                dnorm2 += self.dir[j] * self.dir[j];
            }
            if norm2 == 0.0 {
                // The relaxation's own open set ships the demand: it is a plan costing `v`, so `v`
                // is the node's optimum (and at least every bound seen).
                self.exact = true;
                if !best_is_last {
                    best = v;
                    self.best.copy_from_slice(&self.lambda);
                    best_is_last = true;
                }
                break;
            }
            if theta < plan.floor {
                break;
            }
            let beta = if plan.deflect && dot < 0.0 && dnorm2 > 0.0 {
                -1.5 * dot / dnorm2
            } else {
                0.0
            };
            let mut d2 = 0.0;
            for &r in &self.rows {
                let j = r as usize;
                let d = self.supply[j] + beta * self.dir[j];
                self.dir[j] = d;
                d2 += d * d;
            }
            if d2 <= 0.0 {
                d2 = norm2;
                for &r in &self.rows {
                    self.dir[r as usize] = self.supply[r as usize];
                }
            }
            let target = ub.unwrap_or(best + 0.1 * (best.abs() + 1.0));
            let gap = greater(target - v, 1e-6 * (1.0 + v.abs()));
            let step = theta * gap / d2;
            for &r in &self.rows {
                let j = r as usize;
                self.lambda[j] = greater(self.lambda[j] + step * self.dir[j], 0.0);
            }
        }
        if !best_is_last {
            self.lambda.copy_from_slice(&self.best);
            if saved {
                // The relaxation of the best multipliers, as evaluating them again would leave
                // it (the same computation on the same inputs; `supply` is only the ascent's).
                self.swap_saved();
            } else {
                // No evaluation of this ascent was ever the best (a NaN bound): as before.
                best = self.eval(inst, node);
            }
        }
        best
    }
}
