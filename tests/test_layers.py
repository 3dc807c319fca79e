"""The house has no circle of imports: import-linter's contracts in setup.cfg say which way imports go
between layers (and forbid circles between the modules of one low layer); this walks the whole import
graph of sandbox and fails on any circle at all, naming its modules and the imports that close it."""
import grimp



def circles(graph):
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, found, counter = {}, {}, set(), [], [], 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            module, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph.find_modules_directly_imported_by(target)))))
                    break
                if target in on_stack:
                    low[module] = min(low[module], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == module:
                            break
                    if len(component) > 1:
                        found.append(component)
    return found


def describe(graph, component):
    edges = sorted(f"{a} -> {b}" for a in component for b in graph.find_modules_directly_imported_by(a)
                   if b in component)
    return f"{len(component)} modules: " + "; ".join(edges)


def test_no_circle_of_imports_in_sandbox():
    graph = grimp.build_graph("sandbox")
    found = circles(graph)
    assert not found, "circles of imports:\n" + "\n".join(describe(graph, c) for c in found)


def test_the_walk_finds_a_circle():
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert circles(graph) == [{"pkg.a", "pkg.b"}]
