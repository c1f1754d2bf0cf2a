// The account model lives in this module: worlds, authorization details, the assume-role graph.
import IAMEvaluator
import IAMPolicy
