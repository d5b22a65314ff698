"""@module EndpointConfig: how a job declares an auxiliary endpoint in `auxiliary_endpoints_v2()` (same import path as the original)."""
from dataclasses import dataclass, field
from typing import Any, Callable, Dict


@dataclass
class EndpointConfig:
    """One endpoint: a path under /api/v1 (may hold `{name}` path parameters), GET or POST, the handler method,
    and route options in FastAPI's vocabulary (`tags`, `summary`, `description`, `status_code`; others are ignored)."""
    path: str
    method: Any
    handler: Callable
    other_options: Dict[str, Any] = field(default_factory=dict)
