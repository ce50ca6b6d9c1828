package resolve

import (
	"appstart/runtime/spec"
	"appstart/runtime/supervise"
)

func autoRestart(a spec.AutoRestart) supervise.AutoRestart {
	switch a {
	case spec.RestartAlways:
		return supervise.RestartAlways
	case spec.RestartNever:
		return supervise.RestartNever
	}
	return supervise.RestartUnexpected
}

func onUnhealthy(o spec.OnUnhealthy) supervise.OnUnhealthy {
	if o == spec.UnhealthyStop {
		return supervise.UnhealthyStop
	}
	return supervise.UnhealthyRestart
}

func onFatal(o spec.OnFatal) supervise.OnFatal {
	if o == spec.FatalIgnore {
		return supervise.FatalIgnore
	}
	return supervise.FatalStop
}
