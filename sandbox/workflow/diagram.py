"""The workflow picture, generated from the machine declaration (mermaid state diagram)."""
from transitions.extensions.diagrams import GraphMachine
from transitions.extensions.diagrams_mermaid import Graph as MermaidGraph

from ..states import ApplicationState as S
from .machine import STEPS, _states


# Shown as a sentence under the picture instead: drawn, they join every state to one sink and hide the path.
EVERYWHERE = ("withdraw", "cancel")


def diagram_source(application, events=()):
    """Mermaid text for the application's instrument: current state highlighted, visited states marked."""
    steps = [s for s in STEPS[application.instrument]
             if s.trigger not in EVERYWHERE or S(application.state) == s.dest]
    machine = GraphMachine(
        model=None, states=_states(steps), initial=S.draft.value, auto_transitions=False,
        graph_engine="mermaid", show_state_attributes=False, title="",
        transitions=[{"trigger": str(s.label), "source": [x.value for x in s.source], "dest": s.dest.value}
                     for s in steps],
    )
    graph = MermaidGraph(machine)
    visited = [e.to_state for e in events if e.to_state]
    for state in dict.fromkeys(visited):
        graph.set_node_style(state, "previous")
    graph.set_node_style(str(application.state), "active")
    text = graph.get_graph().source.replace("direction LR", "direction TB")
    # Readable labels: replace the technical state names with translated ones.
    for state in S:
        text = text.replace(f'state "{state.value}" as {state.value}', f'state "{state.label}" as {state.value}')
    return text
