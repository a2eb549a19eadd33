package web

import "github.com/labstack/echo/v4"

// accountRoutes registers this area's routes (being written).
func (s *Server) accountRoutes(g *echo.Group) {}
