"""Checks of dual_layer.py: DualLayer's forward and backward passes, the three weight
initialisations (ones, N(0, 1), Xavier)."""
from ..probes import dual_layer as probes
from .base import Trial
from .networks import (exercise_checks, glorot_uniform, init_cases, init_distribution, pass_checks, standard_normal,
                       two_layer_cases, verify_init_ones, verify_init_shapes, verify_seeded, verify_two_layer_forpass,
                       verify_two_layer_gradient, verify_two_layer_shapes)

forpass = Trial(probes.forpass, two_layer_cases("dual.forpass", backprop=False))
backprop = Trial(probes.backprop, two_layer_cases("dual.backprop"))
SHAPES = "w1 (n, units), b1 (units,), w2 (units, 1), b2 scalar"

CHECKS = [
    *pass_checks("DualLayer", "dual_layer", forpass, backprop, "z2 and self.a1 of the two-layer forward pass",
                 "each gradient has its parameter's shape", verify_two_layer_forpass, verify_two_layer_shapes,
                 verify_two_layer_gradient),
    *exercise_checks("DualLayer.init_weights", "dual_layer.init_weights",
                     Trial(probes.init_weights, init_cases("dual.init")), [
        ("shapes", 1, SHAPES, verify_init_shapes),
        ("values", 1, "ones for weights, zeros for biases", verify_init_ones),
    ]),
    *exercise_checks("RandomInitNetwork.init_weights", "random_init.init_weights",
                     Trial(probes.random_init_weights, init_cases("random.init")), [
        ("shapes", 1, SHAPES, verify_init_shapes),
        ("distribution", 1, "weights ~ N(0, 1), biases 0",
         init_distribution(standard_normal, lambda i, o, dist: "N(0, 1)")),
        ("seeded", 1, "reproducible under np.random.seed", verify_seeded),
    ]),
    *exercise_checks("XavierInitNetwork.init_weights", "xavier_init.init_weights",
                     Trial(probes.xavier_init_weights, init_cases("xavier.init")), [
        ("shapes", 1, SHAPES, verify_init_shapes),
        ("distribution", 2, "weights ~ U(±sqrt(6/(fan_in+fan_out))), biases 0",
         init_distribution(glorot_uniform, lambda i, o, dist: f"U(±{dist.support()[1]:.3g}) = U(±sqrt(6/({i}+{o})))")),
        ("seeded", 1, "reproducible under np.random.seed", verify_seeded),
    ]),
]
