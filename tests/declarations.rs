//! The TypeScript declarations name every built-in workload and exactly its parameters, as
//! the catalogue has them (`WorkloadParams` in src/web/boundary.d.ts): a workload or a
//! parameter added, renamed or removed in Rust fails here until the declarations follow.

#![cfg(not(target_arch = "wasm32"))]

#[test]
fn workload_params_declarations_match_the_catalogue() {
    let declarations = include_str!("../src/web/boundary.d.ts");
    let start = declarations
        .find("export interface WorkloadParams {")
        .expect("boundary.d.ts declares WorkloadParams");
    let body = &declarations[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
    let declared: Vec<String> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    let expected: Vec<String> = webpar::engine::workloads()
        .iter()
        .filter(|w| w.is_built_in())
        .map(|w| {
            if w.params.is_empty() {
                format!("{}: Record<string, never>;", w.name)
            } else {
                let params: Vec<String> = w
                    .params
                    .iter()
                    .map(|p| format!("{}: number", p.name))
                    .collect();
                format!("{}: {{ {} }};", w.name, params.join("; "))
            }
        })
        .collect();
    assert_eq!(declared, expected);
}
