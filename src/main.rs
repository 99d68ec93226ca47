fn main() {
    println!("annex: under construction");
}
